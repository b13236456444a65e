"""Bundle Inspector's core: bundle reading, the data model, the engine and the CLI. No Qt."""

__version__ = "0.1.0"
