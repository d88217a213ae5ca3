"""The person's data is theirs (AVG/GDPR, issue 11): what is held about them (export), erasure
on request, retention per organisation, the privacy statement and the audit log page.

It sits above every feature whose data it reads and changes (docs/architecture.md, the layers),
and below the entry points."""
