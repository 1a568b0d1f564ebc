"""Domain errors. The CLI turns each into one line on stderr and exit code 2."""


class KGError(Exception):
    """Bad input or a failed stage: the message names the file, rule or query and what to do."""


class CorpusError(KGError):
    pass


class RuleError(KGError):
    pass


class QueryError(KGError):
    pass
