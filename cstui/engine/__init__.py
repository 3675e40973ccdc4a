"""The grading engine: building blocks shared by the document models."""
