#!/usr/bin/env python3
"""forewarn's WordPiece against Hugging Face `tokenizers` with MiniLM's tokenizer.json (truncation and
padding off): counts the texts whose ids differ. Usage: tokenizer_check.py TOKENIZER.json TEXTS IDS."""
import json
import sys

from tokenizers import Tokenizer

tok = Tokenizer.from_file(sys.argv[1])
tok.no_truncation()
tok.no_padding()
texts = [json.loads(l) for l in open(sys.argv[2])]
ours = open(sys.argv[3]).read().split("\n")[: len(texts)]
differ = sum(" ".join(map(str, tok.encode(t, add_special_tokens=False).ids)) != o for t, o in zip(texts, ours))
print(f"WordPiece: {differ} of {len(texts)} texts tokenised differently from Hugging Face tokenizers")
