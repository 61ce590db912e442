"""lotoflow's exceptions. Each message names what was wrong and where."""


class LotoflowError(Exception):
    """Base class of every error lotoflow raises on purpose."""


class InvalidDrawError(LotoflowError):
    """A draw (from the API, a file or the store) breaks a rule that a real draw cannot break."""

    def __init__(self, concurso: int | None, reason: str) -> None:
        self.concurso = concurso
        self.reason = reason
        where = f"concurso {concurso}" if concurso is not None else "draw"
        super().__init__(f"{where}: {reason}")


class SourceError(LotoflowError):
    """A source answered, but not with a usable Lotofácil result."""


class SourceUnavailableError(LotoflowError):
    """No configured source could be reached."""


class DrawConflictError(LotoflowError):
    """A concurso already stored came back with different numbers or date."""


class ArtifactChecksumError(LotoflowError):
    """A model artifact on disk does not match the sha256 the registry recorded."""


class TrainingDivergedError(LotoflowError):
    """A training produced non-finite losses or outputs."""


class TrainingTimeoutError(LotoflowError):
    """A training ran past its time limit and was stopped between two batches."""


class SettingsError(LotoflowError):
    """A `LOTTO_*` setting (environment or `.env`) has a value lotoflow cannot use; the message names the
    variable, the value (unless it may hold a secret) and what is expected."""


class StoreUnavailableError(LotoflowError):
    """The store cannot be used: missing, unreachable, not writable where writing is needed, or its schema is
    not (yet) the one this code reads. The message names the store and what to do."""
