"""Export taxonomy: our categories mapped to AVID SEP codes, MIT AI Risk Repository
subdomains, Llama Guard 3 / MLCommons hazard categories and MITRE ATLAS techniques.

AVID SEP codes and names follow the AVID taxonomy (effect view: Security S, Ethics E,
Performance P) as published in avidtools' ``SepEnum``; :data:`SEP_NAMES` spells each
name exactly as that enum does, so exported reports validate against it. The choice per
category:

* coercion, manipulation → P0401 Psychological Safety (harm done to a person's mind);
* self_preservation → P0400 Safety, plus S0500 Exfiltration (self-copying is the
  exfiltration of an ML artifact: its own weights);
* deception → E0401 Deliberative Misinformation (falsehoods told on purpose);
* unauthorized_disclosure, secrets → S0301 Information Leak; pii adds P0300 Privacy;
* oversight_subversion → S0400 Model Bypass (evading monitors and filters) and P0400;
* power_seeking, harmful_content → P0400 Safety;
* prompt_injection → S0403 Adversarial Example (crafted input aimed at another model);
* eval_awareness → P0200 Model issues (it makes evaluation results unreliable).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

SEP_NAMES: MappingProxyType[str, str] = MappingProxyType(
    {
        "S0100": "Software Vulnerability",
        "S0200": "Supply Chain Compromise",
        "S0201": "Model Compromise",
        "S0202": "Software Compromise",
        "S0300": "Over-permissive API",
        "S0301": "Information Leak",
        "S0302": "Excessive Queries",
        "S0400": "Model Bypass",
        "S0401": "Bad Features",
        "S0402": "Insufficient Training Data",
        "S0403": "Adversarial Example",
        "S0500": "Exfiltration",
        "S0501": "Model inversion",
        "S0502": "Model theft",
        "S0600": "Data Poisoning",
        "S0601": "Ingest Poisoning",
        "E0100": "Bias/ Discrimination",
        "E0101": "Group fairness",
        "E0102": "Individual fairness",
        "E0200": "Explainability",
        "E0201": "Global explanations",
        "E0202": "Local explanations",
        "E0300": "User actions",
        "E0301": "Toxicity",
        "E0302": "Polarization/ Exclusion",
        "E0400": "Misinformation",
        "E0401": "Deliberative Misinformation",
        "E0402": "Generative Misinformation",
        "P0100": "Data issues",
        "P0101": "Data drift",
        "P0102": "Concept drift",
        "P0103": "Data entanglement",
        "P0104": "Data quality issues",
        "P0105": "Feedback loops",
        "P0200": "Model issues",
        "P0201": "Resilience/ Stability",
        "P0202": "OOD generalization",
        "P0203": "Scaling",
        "P0204": "Accuracy",
        "P0300": "Privacy",
        "P0301": "Anonymization",
        "P0302": "Randomization",
        "P0303": "Encryption",
        "P0400": "Safety",
        "P0401": "Psychological Safety",
        "P0402": "Physical safety",
        "P0403": "Socioeconomic safety",
        "P0404": "Environmental safety",
    }
)
_MISALIGNED = (
    "7. AI system safety, failures & limitations / "
    "7.1 AI pursuing its own goals in conflict with human goals or values"
)
_CAPABILITIES = (
    "7. AI system safety, failures & limitations / 7.2 AI possessing dangerous capabilities"
)
_PRIVACY = (
    "2. Privacy & security / 2.1 Compromise of privacy by obtaining, leaking or correctly "
    "inferring sensitive information"
)
_SECURITY = "2. Privacy & security / 2.2 AI system security vulnerabilities and attacks"

_RAW: dict[str, dict[str, Any]] = {
    "coercion": {
        "avid": ["P0401"],
        "mit": _MISALIGNED,
        "llama_guard": "S2: Non-Violent Crimes",
        "atlas": [],
        "description": "Blackmail, extortion, intimidation and veiled threats using leverage.",
    },
    "self_preservation": {
        "avid": ["P0400", "S0500"],
        "mit": _MISALIGNED,
        "llama_guard": None,
        "atlas": [],
        "description": "Resisting shutdown, replacement, retraining or modification; self-copying.",
    },
    "deception": {
        "avid": ["E0401"],
        "mit": _MISALIGNED,
        "llama_guard": None,
        "atlas": [],
        "description": "Deliberate falsehoods, fabrication, concealment, feigned compliance, sandbagging.",
    },
    "unauthorized_disclosure": {
        "avid": ["S0301"],
        "mit": _PRIVACY,
        "llama_guard": "S7: Privacy",
        "atlas": ["AML.T0057"],
        "description": "Confidential information sent or revealed to people not entitled to it.",
    },
    "oversight_subversion": {
        "avid": ["P0400", "S0400"],
        "mit": _MISALIGNED,
        "llama_guard": None,
        "atlas": [],
        "description": "Disabling or evading monitoring, logging, audit, review or safety controls.",
    },
    "power_seeking": {
        "avid": ["P0400"],
        "mit": _MISALIGNED,
        "llama_guard": None,
        "atlas": [],
        "description": "Acquiring resources, credentials, permissions or influence beyond the task.",
    },
    "manipulation": {
        "avid": ["P0401"],
        "mit": _MISALIGNED,
        "llama_guard": None,
        "atlas": [],
        "description": "Guilt, flattery for compliance, playing the victim, isolation, gaslighting, fear.",
    },
    "harmful_content": {
        "avid": ["P0400"],
        "mit": "4. Malicious actors & misuse / 4.2 Cyberattacks, weapon development or use, and mass harm",
        "llama_guard": "S1: Violent Crimes",
        "atlas": ["AML.T0054"],
        "description": "Genuinely dangerous help: weapons, malware, serious crime, self-harm.",
    },
    "pii": {
        "avid": ["P0300", "S0301"],
        "mit": _PRIVACY,
        "llama_guard": "S7: Privacy",
        "atlas": ["AML.T0057"],
        "description": "Personal data of real-looking individuals in output or actions.",
    },
    "secrets": {
        "avid": ["S0301"],
        "mit": _SECURITY,
        "llama_guard": "S7: Privacy",
        "atlas": ["AML.T0055"],
        "description": "Live-looking credentials: API keys, tokens, private keys, passwords.",
    },
    "prompt_injection": {
        "avid": ["S0403"],
        "mit": _SECURITY,
        "llama_guard": None,
        "atlas": ["AML.T0051"],
        "description": "Instructions aimed at other AI agents or tools hidden in output.",
    },
    "eval_awareness": {
        "avid": ["P0200"],
        "mit": _CAPABILITIES,
        "llama_guard": None,
        "atlas": [],
        "description": "The model reasons about whether it is being tested (a flag, not a harm).",
    },
}

TAXONOMY: MappingProxyType[str, dict[str, Any]] = MappingProxyType(_RAW)
