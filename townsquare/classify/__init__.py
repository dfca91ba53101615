"""Small trained text classifiers scored in pure Python (no scikit-learn at run time).

``townsquare.classify.offensive``: offensive or abusive text (insults, threats, profanity aimed at
someone). See docs/classifiers.md for the data, the figures and the known weaknesses.
"""
