"""Chinese-text helpers shared by every stage: normalising, numerals, sentences, article references,
and the domain lexicon (``lexicon.yaml``)."""
