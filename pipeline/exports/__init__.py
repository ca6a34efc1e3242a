"""Media-platform audience exports: eligible people's identifiers, normalized and
hashed the way each platform matches them, written as the files it accepts.

`platforms` says what each platform takes, `normalize` and `hashing` turn a
normalized identifier into the string a platform hashes, `writers` make the
files byte-reproducible, `manifest` records what was written or refused,
`audience` reads who may be exported, and `export` ties them together.
"""
