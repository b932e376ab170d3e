"""Loaders that turn labeled sets (commission, XQuAD, Tatoeba, any BEIR folder) into a LabeledSet."""
