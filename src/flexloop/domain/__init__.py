"""Pure domain records and vocabularies shared by every stage."""
