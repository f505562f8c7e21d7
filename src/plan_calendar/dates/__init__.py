"""The Russian date grammar: lexicon (words), school calendar (years and terms) and the grammar itself."""
