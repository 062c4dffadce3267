"""The interview: question plans, answers, evaluations and the state machine."""
