"""The demo's cast and words: members, companies, and the text they write to each other.

Pure data, kept apart from `inroad.demo` (which turns it into history through the services) so
the story can be edited without touching the simulation. Placeholders in braces are filled per
message: `{first}` is the recipient's first name, `{me}` the writer's, `{company}` the
recipient's company, `{my_company}` the writer's, `{title}`, `{skill}`, `{city}`, `{role}`,
`{team}`, `{industry}`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    full_name: str
    company: str
    title: str
    plan: str
    location: str
    skills: tuple[str, ...]
    headline: str = ""
    open_profile: bool = False

    @property
    def first(self) -> str:
        return self.full_name.split()[0]

    @property
    def email(self) -> str:
        ascii_name = (self.full_name.lower().replace("á", "a").replace("'", "")
                      .replace("-", ""))
        first, *rest = ascii_name.split()
        return f"{first}.{''.join(rest)}@demo.inroad"


# company -> (industry, department the sales people pitch to)
COMPANIES: dict[str, tuple[str, str]] = {
    "Northwind Labs": ("Technology", "engineering"),
    "Brightline Software": ("Technology", "engineering"),
    "Kestrel Analytics": ("Technology", "data"),
    "Harborview Capital": ("Financial Services", "investment"),
    "Summit Ridge Bank": ("Financial Services", "digital banking"),
    "Meridian Health": ("Healthcare", "clinical operations"),
    "CarePath Clinics": ("Healthcare", "operations"),
    "Lakeside University": ("Higher Education", "research"),
    "Evergreen Outfitters": ("Retail", "e-commerce"),
    "Solace Energy": ("Energy", "project delivery"),
    "Tidewater Media": ("Media", "audience"),
    "Atlas & Pine Consulting": ("Management Consulting", "client delivery"),
}

_NW, _BL, _KA = "Northwind Labs", "Brightline Software", "Kestrel Analytics"
_HC, _SR = "Harborview Capital", "Summit Ridge Bank"
_MH, _CP = "Meridian Health", "CarePath Clinics"
_LU, _EO, _SE = "Lakeside University", "Evergreen Outfitters", "Solace Energy"
_TM, _AP = "Tidewater Media", "Atlas & Pine Consulting"

PEOPLE: list[Person] = [
    Person("Alex Morgan", _NW, "Senior Technical Recruiter", "recruiter", "San Francisco, CA",
           ("Technical Recruiting", "Sourcing", "Employer Branding", "Interviewing",
            "Talent Strategy"),
           "Senior Technical Recruiter at Northwind Labs | Hiring engineers, data and design"),
    Person("Mei Chen", _NW, "Staff Software Engineer", "business", "San Francisco, CA",
           ("Go", "Kubernetes", "Distributed Systems", "PostgreSQL")),
    Person("Daniel Okafor", _NW, "Engineering Manager", "career", "Oakland, CA",
           ("Engineering Management", "Python", "System Design", "Mentoring")),
    Person("Sofia Alvarez", _NW, "Product Designer", "free", "San Francisco, CA",
           ("Figma", "User Research", "Design Systems", "Prototyping")),
    Person("Maya Patel", _NW, "UX Researcher", "free", "San Jose, CA",
           ("User Research", "Usability Testing", "Survey Design")),
    Person("Sam Lee", _BL, "Software Engineer", "free", "Austin, TX",
           ("JavaScript", "React", "Node.js", "TypeScript"),
           "Software Engineer at Brightline Software | React, Node.js, TypeScript"),
    Person("Priya Raman", _BL, "Senior Backend Engineer", "career", "Austin, TX",
           ("Java", "Spring Boot", "AWS", "Microservices", "PostgreSQL"),
           "Senior Backend Engineer | Open to new opportunities"),
    Person("Marcus Johnson", _BL, "VP of Sales", "sales", "Austin, TX",
           ("Enterprise Sales", "SaaS", "Negotiation", "Salesforce")),
    Person("Aisha Bello", _BL, "QA Lead", "free", "Dallas, TX",
           ("Test Automation", "Selenium", "Cypress", "CI/CD")),
    Person("Tomás Herrera", _BL, "Account Executive", "sales", "Austin, TX",
           ("B2B Sales", "Prospecting", "HubSpot", "Pipeline Management")),
    Person("Jordan Rivera", _KA, "Director of Data Science", "business", "Seattle, WA",
           ("Machine Learning", "Python", "Statistics", "Team Leadership", "Experimentation"),
           "Director of Data Science at Kestrel Analytics | Open Profile: message me anytime",
           open_profile=True),
    Person("Yuki Tanaka", _KA, "Data Engineer", "free", "Seattle, WA",
           ("Spark", "Airflow", "SQL", "dbt", "Python")),
    Person("Olivia Brooks", _KA, "Product Manager", "career", "Bellevue, WA",
           ("Product Strategy", "Roadmapping", "Analytics", "Agile")),
    Person("Rahul Mehta", _KA, "Machine Learning Engineer", "free", "Seattle, WA",
           ("PyTorch", "MLOps", "Python", "Computer Vision")),
    Person("Ben Carter", _KA, "Site Reliability Engineer", "career", "Portland, OR",
           ("Kubernetes", "Terraform", "Observability", "Linux")),
    Person("Catherine Walsh", _HC, "Managing Director", "business", "New York, NY",
           ("Private Equity", "M&A", "Financial Modeling", "Due Diligence")),
    Person("David Kim", _HC, "Quantitative Analyst", "free", "New York, NY",
           ("Python", "R", "Time Series", "Risk Modeling", "C++")),
    Person("Fatima Al-Sayed", _HC, "Compliance Officer", "free", "Jersey City, NJ",
           ("Regulatory Compliance", "AML", "Risk Management")),
    Person("Ethan Price", _HC, "Investment Associate", "career", "New York, NY",
           ("Valuation", "Excel", "Financial Modeling", "Market Research")),
    Person("Grace Nwosu", _SR, "Head of Digital Banking", "business", "Charlotte, NC",
           ("Digital Transformation", "Product Management", "Fintech", "Payments"),
           open_profile=True),
    Person("Brian O'Connor", _SR, "Credit Risk Manager", "free", "Charlotte, NC",
           ("Credit Analysis", "Risk Modeling", "SAS", "SQL")),
    Person("Lucia Romano", _SR, "Software Developer", "free", "Raleigh, NC",
           ("C#", ".NET", "Azure", "SQL Server")),
    Person("Kevin Tran", _SR, "Senior Financial Advisor", "sales", "Charlotte, NC",
           ("Wealth Management", "Retirement Planning", "Client Relations")),
    Person("Nadia Petrova", _MH, "Chief Medical Information Officer", "business", "Boston, MA",
           ("Clinical Informatics", "EHR", "Healthcare IT", "Leadership"),
           "CMIO at Meridian Health | Physician, informaticist"),
    Person("James Whitaker", _MH, "Nurse Manager", "free", "Boston, MA",
           ("Patient Care", "Staff Scheduling", "Quality Improvement")),
    Person("Amara Diallo", _MH, "Health Data Analyst", "career", "Cambridge, MA",
           ("SQL", "Tableau", "Epidemiology", "Python")),
    Person("Carlos Mendoza", _MH, "IT Security Lead", "free", "Boston, MA",
           ("Cybersecurity", "HIPAA", "Identity Management", "Incident Response")),
    Person("Emily Larson", _CP, "Director of Operations", "business", "Minneapolis, MN",
           ("Operations Management", "Lean Six Sigma", "Budgeting")),
    Person("Ahmed Hassan", _CP, "Physician Assistant", "free", "St. Paul, MN",
           ("Family Medicine", "Patient Education", "Telehealth")),
    Person("Rachel Goldberg", _CP, "Talent Acquisition Partner", "recruiter", "Minneapolis, MN",
           ("Healthcare Recruiting", "Sourcing", "Onboarding", "Applicant Tracking")),
    Person("Jin Park", _CP, "Mobile Engineer, Patient Apps", "free", "Minneapolis, MN",
           ("Swift", "Kotlin", "Mobile Development", "FHIR")),
    Person("Helen Carter", _LU, "Professor of Computer Science", "business", "Chicago, IL",
           ("Machine Learning", "Research", "Teaching", "Grant Writing")),
    Person("Omar Farouk", _LU, "Career Services Advisor", "free", "Chicago, IL",
           ("Career Coaching", "Employer Relations", "Workshops")),
    Person("Lily Zhang", _LU, "PhD Candidate, NLP", "career", "Chicago, IL",
           ("NLP", "Python", "Deep Learning", "Research")),
    Person("Michael Brown", _LU, "Director of Admissions", "free", "Evanston, IL",
           ("Enrollment Management", "CRM", "Strategic Planning")),
    Person("Chloe Dubois", _EO, "VP of E-commerce", "business", "Denver, CO",
           ("E-commerce", "Digital Marketing", "Merchandising", "Analytics")),
    Person("Tyler Reed", _EO, "Store Operations Manager", "free", "Boulder, CO",
           ("Retail Operations", "Inventory Management", "Team Leadership")),
    Person("Ana Costa", _EO, "Supply Chain Analyst", "free", "Denver, CO",
           ("Supply Chain", "Forecasting", "SQL", "Excel")),
    Person("Noah Williams", _EO, "Frontend Engineer", "career", "Denver, CO",
           ("React", "TypeScript", "Accessibility", "CSS")),
    Person("Gabriel Santos", _SE, "Renewable Project Engineer", "free", "Houston, TX",
           ("Solar PV", "Project Management", "AutoCAD", "Grid Interconnection")),
    Person("Ingrid Johansson", _SE, "Head of Sustainability", "business", "Houston, TX",
           ("ESG Reporting", "Sustainability Strategy", "Carbon Accounting")),
    Person("Samuel Adeyemi", _SE, "Power Trader", "career", "Houston, TX",
           ("Energy Markets", "Risk Management", "Power Trading", "Python")),
    Person("Zoe Mitchell", _SE, "Business Development Manager", "sales", "Houston, TX",
           ("Business Development", "Partnerships", "Energy Storage", "Negotiation")),
    Person("Isabella Rossi", _TM, "Managing Editor", "free", "Los Angeles, CA",
           ("Editing", "Content Strategy", "Journalism")),
    Person("Kwame Mensah", _TM, "Head of Audience Growth", "business", "Los Angeles, CA",
           ("SEO", "Social Media", "Audience Analytics", "Newsletters"), open_profile=True),
    Person("Leah Cohen", _TM, "Video Producer", "free", "Los Angeles, CA",
           ("Video Production", "Storytelling", "Premiere Pro")),
    Person("Diego Navarro", _TM, "Data Journalist", "free", "Los Angeles, CA",
           ("Data Visualization", "Python", "Investigative Reporting", "D3.js")),
    Person("Hannah Schmidt", _AP, "Senior Manager, Talent Advisory", "recruiter", "Toronto, ON",
           ("Executive Search", "Talent Strategy", "Interviewing")),
    Person("Vikram Singh", _AP, "Principal Consultant", "sales", "Toronto, ON",
           ("Digital Strategy", "Cloud Migration", "Stakeholder Management")),
    Person("Emma Thompson", _AP, "Management Consultant", "free", "Toronto, ON",
           ("Strategy", "Operations", "Change Management")),
    Person("Luca Moretti", _AP, "Data Strategy Consultant", "career", "Montreal, QC",
           ("Data Strategy", "Analytics", "Stakeholder Management", "SQL"),
           "Data Strategy Consultant | Exploring in-house analytics roles"),
    Person("Nora Lindqvist", _AP, "Partner", "business", "Toronto, ON",
           ("Healthcare Strategy", "Client Leadership", "Growth Strategy"), open_profile=True),
]

# Roles Alex Morgan recruits for at Northwind Labs, matched on the candidate's skills and title.
ROLES: list[tuple[str, str, tuple[str, ...]]] = [
    ("Senior Backend Engineer", "platform", ("java", "go", "backend", "microservices", "c#",
                                             ".net", "software", "developer")),
    ("Frontend Engineer", "web", ("react", "typescript", "javascript", "frontend", "css")),
    ("Staff Data Engineer", "data platform", ("spark", "airflow", "dbt", "data engineer", "sql")),
    ("Machine Learning Engineer", "applied ML", ("pytorch", "machine learning", "nlp", "mlops",
                                                "deep learning")),
    ("Site Reliability Engineer", "infrastructure", ("kubernetes", "terraform", "linux",
                                                     "reliability")),
    ("Security Engineer", "security", ("security", "cybersecurity", "identity")),
    ("Product Manager, Growth", "growth", ("product", "roadmapping", "agile")),
    ("Product Designer", "design", ("figma", "design", "research", "ux")),
    ("Data Analyst", "analytics", ("analyst", "tableau", "analytics", "python", "r")),
    ("Mobile Engineer", "mobile", ("swift", "kotlin", "mobile")),
]

# The ~10 subject lines senders reuse (insights group on them), by purpose.
SUBJECTS: dict[str, list[str]] = {
    "hiring": [
        "{role} opening at {my_company}",
        "Your {skill} work at {company}",
        "Open to a conversation about a {role} role?",
        "{first}, a {team} team you might like",
    ],
    "sales": ["Idea for the {dept} team at {company}", "Question about {dept} at {company}"],
    "networking": ["Fellow {industry} professional saying hello"],
    "introduction": ["Introduction: {me} from {my_company}"],
    "job_seeking": ["Interested in opportunities at {company}"],
    "sharing": ["Thought you might find this useful, {first}"],
}
FOLLOW_UP_SUBJECT = "Following up: {subject}"

GREETINGS = ["Hi {first},", "Hello {first},", "Dear {first},", "Hi {first}, I hope your week "
             "is going well."]

HOOKS: dict[str, list[str]] = {
    "hiring": [
        "I came across your profile while looking for people with real {skill} experience, and "
        "your work as {title} at {company} stood out.",
        "Your background as {title} at {company} caught my attention, especially the {skill} "
        "side of it.",
        "A colleague mentioned the {skill} work coming out of {company}, and your name came up.",
        "I have been following how {company} has grown in {industry}, and your experience as "
        "{title} looks like a strong match for something we are building.",
    ],
    "sales": [
        "I noticed {company} has been expanding its {dept} team this year.",
        "As {title} at {company}, you probably see the {dept} side of things up close.",
        "I have been speaking with several {industry} teams about how they plan their next year, "
        "and {company} came up more than once.",
    ],
    "networking": [
        "We both work in {industry}, and your posts on {skill} have been useful to me.",
        "I saw your profile while researching {skill} leaders in {city} and wanted to say hello.",
        "Your path to {title} at {company} is one I find genuinely interesting.",
    ],
    "introduction": [
        "I lead work at {my_company} that overlaps with what your team at {company} does.",
        "We have not met yet, but we keep ending up in the same {industry} conversations.",
    ],
    "job_seeking": [
        "I am a {my_title} exploring my next step, and {company} is high on my list.",
        "I have admired the work {company} does in {industry} for a while, and I am now looking "
        "for my next role.",
        "Your team at {company} works on problems close to what I do today as {my_title}.",
    ],
    "sharing": [
        "I read a study on {skill} this week and thought of your work at {company}.",
        "After our industry panel I wrote up some notes on {skill} that might help your team.",
    ],
}

PITCHES: dict[str, list[str]] = {
    "hiring": [
        "We are hiring a {role} at {my_company} to help scale our platform. The team is small, "
        "ships every week and works hybrid from {my_city} or fully remote.",
        "{my_company} is growing its {team} team, and I am looking for a {role} who enjoys owning "
        "problems end to end.",
        "I am recruiting for a {role} position on a team that is rebuilding our core services; it "
        "has real scope and a manager who invests in people.",
        "The {role} role I am filling sits close to customers and product, with room to grow into "
        "a lead position.",
    ],
    "sales": [
        "At {my_company} we help {dept} teams spend less time on status reporting and more on the "
        "work itself.",
        "A few {industry} teams we work with cut their weekly reporting time in half last "
        "quarter, and I think your team could see something similar.",
        "We have been partnering with organisations like yours on planning for the coming year.",
    ],
    "networking": [
        "I am building a small circle of people in {industry} who compare notes every few months.",
        "I would love to hear how your team approaches {skill} today.",
    ],
    "introduction": [
        "It seems worth a short introduction so we can see where our teams might help each other.",
        "I think there is a natural overlap between our work on {skill}.",
    ],
    "job_seeking": [
        "Over the last few years I have focused on {my_skill}, and I would bring that experience "
        "to your team.",
        "I would love to learn what your team looks for and whether my background in {my_skill} "
        "could fit.",
    ],
    "sharing": [
        "The short version: teams that measure {skill} outcomes monthly tend to improve faster.",
        "One section covers how to get leadership support, which seemed relevant to you.",
    ],
}

ASKS: dict[str, list[str]] = {
    "hiring": [
        "Would you be open to a 20-minute call next week to hear more?",
        "If the timing is right, could we find 15 minutes for a quick chat this week?",
        "Even if you are not looking right now, I would welcome the chance to introduce myself. "
        "Does a short call work?",
        "Would Tuesday or Thursday afternoon suit you for a brief conversation?",
    ],
    "sales": [
        "Would you be open to a short call next week to compare notes?",
        "Is this something your team is thinking about, or should I check back later in the year?",
    ],
    "networking": ["Would you be up for a virtual coffee sometime this month?",
                   "Happy to connect and trade ideas whenever suits you."],
    "introduction": ["Could we find 20 minutes in the next couple of weeks?",
                     "Would a short call be useful?"],
    "job_seeking": ["Would you have 15 minutes for a conversation about your team?",
                    "Could you point me to the right person, or share any advice?"],
    "sharing": ["I would be glad to hear what you think.",
                "Let me know if you would like the full write-up."],
}

CLOSES = ["Thanks for reading,\n{me}", "Thank you for your time,\n{me}", "Best regards,\n{me}",
          "Thanks, and have a great week.\n{me}"]

FOLLOW_UP_BODIES = {
    "hiring": [
        "Hi {first}, I wanted to follow up on my note from last week about the {role} role. I "
        "know inboxes get busy. If now is not the right time, just let me know and I will not "
        "bother you again.\n\nThanks,\n{me}",
        "Hello {first}, a gentle follow-up on my earlier message. I still think your {skill} "
        "experience would be a great fit for the {role} role. Would a short call work in the "
        "next two weeks?\n\nThank you,\n{me}",
    ],
    "other": [
        "{first}, just bringing my earlier note back to the top of your inbox. Happy to share "
        "more detail in writing if that is easier.\n\nBest,\n{me}",
        "Hi {first}, following up on my message from last week in case it got buried. No "
        "pressure at all; a one-line reply either way would be great.\n\nThanks,\n{me}",
    ],
}

# What a recipient writes back as their reply, by mood ({first} is the InMail's sender).
REPLIES_POSITIVE = [
    "Hi {first}, thanks for reaching out. I am happy to chat. Thursday afternoon works for me.",
    "Thanks {first}! The timing is actually good. Could you share a bit more detail first?",
    "Appreciate the note. I am not actively looking, but I am open to hearing more next week.",
    "Hello {first}, this sounds interesting. What does the team look like today?",
    "Thanks for the thoughtful message. Yes, let us find a time. Mornings are best for me.",
]
REPLIES_NEGATIVE = [
    "Thanks for thinking of me, {first}, but I am happy where I am for now. Let us keep in touch.",
    "I appreciate the message, but this is not a fit for me at the moment.",
    "Thank you, {first}. I have just started a new project, so I will pass for now.",
]
# The sender's next message after a response, by response.
AFTER_ACCEPT = [
    "Great to hear, {first}! Does Wednesday at 11 work for a call?",
    "Thanks for the interest, {first}. I will send a calendar invite for early next week.",
    "Wonderful. What is the best number to reach you on?",
]
AFTER_REPLY_POSITIVE = [
    "Thanks {first}! I will send over the details today.",
    "Perfect. I have put Thursday at 3pm in the calendar; let me know if that changes.",
    "Great. The team is about eight people today and growing. More on our call!",
]
AFTER_DECLINE = ["Understood, thanks for letting me know, {first}. All the best.",
                 "No problem at all. Thanks for the quick answer."]
THREAD_WRAP_UP = [
    "Sounds good, talk then.",
    "Thanks, that works for me.",
    "Looking forward to it.",
    "Got it, thank you!",
]

CONNECTION_NOTES = [
    "Hi {first}, we met at the {industry} meetup last month. Would be great to stay in touch.",
    "Hi {first}, I enjoyed your recent post on {skill}. I would like to add you to my network.",
    "{first}, we have a few people in common and I work on similar problems. Let us connect!",
    "Hello {first}, I am on the {my_company} team and would love to follow your work on {skill}.",
    "Hi {first}, great chatting after the panel on {skill}. Connecting as promised.",
]

# Everyday conversations between connections: alternating lines, {a} opens the thread and {b}
# answers; {skill}, {city}, {industry} are {b}'s.
THREADS: list[list[str]] = [
    ["Hi {b}, are you going to the {industry} summit next month?",
     "Hi {a}! Yes, I will be there on the Thursday. You?",
     "Both days. Let us grab a coffee between sessions.",
     "Deal. I will message you when I land.",
     "Perfect, see you there."],
    ["{b}, congratulations on the new role!", "Thank you, {a}! Still settling in, but loving it.",
     "Well deserved. Let me know if you ever want to compare notes on {skill}.",
     "Will do, thanks!"],
    ["Hey {b}, quick question: who do you use for {skill} training on your team?",
     "We mostly run it in-house, but I can share our outline.",
     "That would be great, thank you.", "Sent it over by email just now.",
     "Got it. Really helpful, thanks {b}."],
    ["Hi {b}, I am putting together a short panel on {skill} in {city}. Would you speak?",
     "I would be honoured. What dates are you looking at?",
     "Second week of next month, an evening slot.", "Should work. Send me the details.",
     "Will do. Thanks so much!", "Of course. Looking forward to it."],
    ["{b}, do you know anyone at {b_company} working on hiring this quarter?",
     "A few people. What kind of role?", "A friend of mine is a strong {skill} person.",
     "Send me their profile and I will pass it along.", "Thank you, really appreciate it."],
    ["Thanks again for the intro last week, {b}.", "Happy to help! Did the call go well?",
     "Very well, we are meeting again on Friday.", "Great news."],
    ["Hi {b}, happy Friday! How did the launch go?",
     "Busy, but it went well. Thanks for asking.", "Glad to hear it. Enjoy the weekend!"],
    ["{b}, would you be up for a quick call about mentoring? I am starting a program at "
     "{a_company}.",
     "Sure. Tuesday after 2 works for me.", "Tuesday at 3 then?", "Booked.",
     "Thanks, talk soon.", "Talk soon!", "Just sent the agenda.", "Thanks, got it."],
    ["Hey {b}, saw your post about {skill}. Great write-up.",
     "Thanks {a}! It took a while to put together.",
     "It shows. Mind if I share it with my team?", "Please do!"],
    ["Hi {b}, are you still based in {city}?", "Yes, still here.",
     "I will be in town next week. Lunch?", "I would like that. Wednesday?",
     "Wednesday works. I will find a place near your office.", "See you then."],
    ["{b}, any recommendations for a good book on leadership?",
     "The Making of a Manager is a favourite of mine.", "Ordered it, thanks!"],
    ["Hi {b}, thank you for the reference. I got the job!",
     "That is fantastic, congratulations {a}!", "Could not have done it without you.",
     "You did the hard part. Celebrate!"],
]

# Lines for the last hours of the story, left unread for the demo logins.
RECENT_MESSAGES = [
    "Hi {b}, quick one: do you have time tomorrow to talk about the offsite agenda?",
    "{b}, just sent you the notes from this morning. Let me know what you think.",
]
