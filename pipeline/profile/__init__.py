"""`oneid profile`: one person's 360-degree view from the published warehouse."""
