"""Extraction gaps the shared-PDF tests know of: expected xfail (strict), listed with why.

Each entry is a test node id (as pytest prints it) and the reason. The tests stay
correct against the PDFs; when a reader change fixes one, its strict xfail turns into a
failure, and the entry must be deleted here. Keep this list short: it is the to-do
list of the table reader.
"""

KNOWN_GAPS: dict[str, str] = {}
