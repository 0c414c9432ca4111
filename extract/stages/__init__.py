"""The pipeline stages: each a spaCy component or the data it reads."""
