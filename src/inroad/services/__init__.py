"""Use cases. Each public function is one transaction; events are published after commit."""
