"""The log-derivative trick measured: the exact gradient of a short game against score-function
estimates (`exact`), cosine curves against the batch size (`curves`), and the report (`report`)."""
