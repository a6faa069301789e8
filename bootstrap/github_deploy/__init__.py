"""GitHub Actions deploy access to AWS: OIDC trust, per-environment permissions, roles."""
