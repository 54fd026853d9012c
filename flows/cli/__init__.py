"""The `newsflow` command line: one module per group of commands, thin over the library.

`app` assembles them; `output` and `home` are what every command shares."""
