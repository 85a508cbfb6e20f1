"""The pure trading core: vocabulary, candle building, indicators, conditions, order intents.

No Django and nothing else of the project is imported here (SPEC §1, STYLE.md).
"""
