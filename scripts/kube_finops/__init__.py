"""kube-finops Python tools: sample data, extension install, summaries (run with python -m)."""
