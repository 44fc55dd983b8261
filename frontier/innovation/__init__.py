"""Innovation: detected opportunities and the projects people build from them."""
