"""FAQ knowledge base and intelligent answer (常见问题 / 智能问答).

``models`` (entries, phrasings, synonyms, ask log), ``services`` (the curation rules and the
ask/vote operations), ``index`` (the process-wide matching engine kept in step with the
database), ``importexport`` (JSONL/CSV/XLSX), ``views`` (public and curator pages),
``matching`` (the Flask-free engine).
"""
