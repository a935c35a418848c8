"""Every error the assistant raises on purpose.

Exception tree::

    AssistantError                 base class; its message is shown to the user as is
    ├── DocumentError              a file cannot be read, decoded or parsed
    ├── IndexFolderError           the index folder is missing, corrupt or from another version
    ├── ModelError                 no embedding model could be loaded
    ├── QueryError                 a question or command argument is unusable
    ├── StoreError                 the store's server cannot be reached or refuses a change
    └── Cancelled                  the user stopped a long task (what was committed stays)

The UI turns these into ``gr.Error`` messages and the CLI into one line on stderr with a
non-zero exit; neither shows a traceback.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class for errors whose message is meant for the user."""


class DocumentError(AssistantError):
    """A file cannot be read, decoded or split into articles."""


class IndexFolderError(AssistantError):
    """The index folder is missing, damaged, or was built differently."""


class ModelError(AssistantError):
    """A model could not be loaded or used: no embedding model of models.txt, or a broken ranker."""


class QueryError(AssistantError):
    """A question, file name or option given by the user cannot be used."""


class StoreError(AssistantError):
    """The store cannot be reached (a Milvus server that does not answer) or used."""


class Cancelled(AssistantError):
    """The user stopped a long task: files already indexed stay, the one in progress is not stored."""


__all__ = ["AssistantError", "Cancelled", "DocumentError", "IndexFolderError", "ModelError", "QueryError",
           "StoreError"]
