"""Words and text pools shared by the dataset builder and the load scripts: the bodies the
benchmark sends are drawn from the same vocabulary as the stored history, so the bulk rule's
band lookups find the same (small) share of near-duplicate candidates in both."""

from __future__ import annotations

import random

# Plain professional English, nothing the promotional scorer reacts to.
VOCABULARY = [
    "about", "across", "after", "again", "ahead", "align", "analysis", "analytics", "answer",
    "approach", "architecture", "area", "article", "aspect", "assess", "attend", "audience",
    "background", "balance", "based", "become", "before", "begin", "behind", "believe", "benefit",
    "better", "between", "board", "book", "bring", "budget", "build", "business", "calendar",
    "call", "campaign", "candidate", "capacity", "career", "case", "certain", "challenge",
    "change", "chapter", "chat", "choice", "city", "client", "cloud", "coffee", "colleague",
    "collaborate", "common", "community", "company", "compare", "complete", "complex",
    "conference", "connect", "consider", "context", "continue", "contract", "contribute",
    "conversation", "core", "country", "course", "craft", "create", "culture", "curious",
    "current", "customer", "data", "debate", "decade", "decide", "deliver", "demand", "department",
    "describe", "design", "detail", "develop", "direction", "discuss", "distributed", "document",
    "domain", "draft", "during", "early", "economy", "effort", "element", "email", "engineer",
    "engineering", "enjoy", "ensure", "environment", "event", "evidence", "example", "experience",
    "expert", "explore", "feature", "feedback", "field", "figure", "finance", "focus", "follow",
    "forward", "framework", "function", "future", "goal", "group", "grow", "growth", "guidance",
    "habit", "handle", "health", "help", "hiring", "history", "hope", "idea", "impact", "improve",
    "include", "industry", "infrastructure", "initiative", "insight", "interest", "interview",
    "introduce", "invest", "issue", "join", "journey", "judgment", "keep", "kind", "knowledge",
    "language", "large", "launch", "lead", "leader", "learn", "level", "library", "listen",
    "local", "logistics", "long", "manage", "manager", "market", "matter", "measure", "meet",
    "meeting", "member", "mentor", "method", "metric", "mission", "model", "month", "move",
    "network", "notice", "number", "observe", "office", "open", "operate", "operations", "opinion",
    "option", "order", "organize", "outcome", "owner", "paper", "partner", "path", "people",
    "perhaps", "period", "person", "perspective", "phase", "plan", "platform", "point", "policy",
    "portfolio", "position", "practice", "prepare", "present", "priority", "problem", "process",
    "product", "profile", "program", "progress", "project", "proposal", "provide", "public",
    "purpose", "quality", "question", "quick", "rather", "reach", "read", "ready", "reason",
    "recent", "recommend", "record", "region", "relationship", "release", "remote", "report",
    "research", "resource", "respect", "response", "result", "review", "role", "roadmap", "run",
    "scale", "schedule", "school", "science", "search", "season", "section", "security", "seem",
    "senior", "series", "serve", "service", "session", "share", "shift", "short", "similar",
    "simple", "skill", "small", "software", "solution", "source", "speak", "specific", "staff",
    "stage", "standard", "start", "strategy", "strength", "structure", "student", "study", "style",
    "subject", "success", "suggest", "summary", "support", "system", "table", "talent", "task",
    "team", "technical", "technology", "term", "thank", "theme", "think", "thought", "together",
    "tool", "topic", "track", "training", "transition", "travel", "trend", "trust", "understand",
    "university", "update", "useful", "value", "various", "venture", "version", "view", "vision",
    "volunteer", "week", "welcome", "while", "work", "workshop", "world", "write", "year",
]

SUBJECTS = [
    "Question about your work on {w}", "Introduction: {w} and {v}", "Role on our {w} team",
    "Your talk on {w}", "Advice on {w}", "Collaborating on {w}", "{w} roadmap",
    "Following up on the {w} meetup", "Hiring for {w}", "A question about {w} at scale",
    "Mentoring in {w}", "Research on {w}", "Your article about {w}",
]

PURPOSES = ["job_seeking", "hiring", "introduction", "networking", "sales", "sharing", "other"]
PURPOSE_WEIGHTS = [0.15, 0.3, 0.15, 0.2, 0.05, 0.05, 0.1]


def sentence(rng: random.Random, words: int) -> str:
    picked = [rng.choice(VOCABULARY) for _ in range(words)]
    return picked[0].capitalize() + " " + " ".join(picked[1:]) + "."


def inmail_body(rng: random.Random) -> str:
    """Four to six sentences, 40-70 words."""
    return " ".join(sentence(rng, rng.randint(8, 13)) for _ in range(rng.randint(4, 6)))


def message_body(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(4, 12)) for _ in range(rng.randint(1, 3)))


def subject(rng: random.Random) -> str:
    return rng.choice(SUBJECTS).format(w=rng.choice(VOCABULARY), v=rng.choice(VOCABULARY))
