"""One module per schema revision (see ``inspector.cases.migrations``)."""
