"""What a visitor reads in each language: the tests find controls by these words, as people do."""

WORDS = {
    "fr": {
        "title": "Wana, rétablissez les appels",
        "first_name": "Prénom",
        "last_name": "Nom",
        "email": "Adresse e-mail",
        "country": "Pays de résidence",
        "show_name": "Afficher mon prénom et l'initiale de mon nom parmi les signataires",
        "sign": "Signer la pétition",
        "thanks": "Plus qu'une étape",
        "subject": "Confirmez votre signature",
        "confirm_title": "Confirmez votre signature",
        "confirm": "Je confirme ma signature",
        "confirmed": "Merci, votre signature est comptée",
        "withdraw": "Je retire ma signature",
        "withdrawn": "Votre signature a été retirée",
        "errors": "champs sont à corriger",
        "first_name_missing": "Indiquez votre prénom.",
    },
    "ar": {
        "title": "إدارة وانا، أعيدوا مكالمات",
        "first_name": "الاسم الشخصي",
        "last_name": "الاسم العائلي",
        "email": "البريد الإلكتروني",
        "country": "بلد الإقامة",
        "show_name": "إظهار اسمي الشخصي والحرف الأول من اسمي العائلي ضمن الموقّعين",
        "sign": "وقّع العريضة",
        "thanks": "بقيت خطوة واحدة",
        "subject": "أكّد توقيعك",
        "confirm_title": "أكّد توقيعك",
        "confirm": "أؤكد توقيعي",
        "confirmed": "شكرًا، لقد احتُسب توقيعك",
        "withdraw": "أسحب توقيعي",
        "withdrawn": "تم سحب توقيعك",
        "errors": "بحاجة إلى تصحيح",
        "first_name_missing": "أدخل اسمك الشخصي.",
    },
    "en": {
        "title": "Wana, restore the calls",
        "first_name": "First name",
        "last_name": "Last name",
        "email": "Email address",
        "country": "Country of residence",
        "show_name": "Show my first name and the initial of my last name among the signatories",
        "sign": "Sign the petition",
        "thanks": "One more step",
        "subject": "Confirm your signature",
        "confirm_title": "Confirm your signature",
        "confirm": "I confirm my signature",
        "confirmed": "Thank you, your signature has been counted",
        "withdraw": "I withdraw my signature",
        "withdrawn": "Your signature has been withdrawn",
        "errors": "fields need correcting",
        "first_name_missing": "Please enter your first name.",
    },
}

# Signers whose names mix scripts and punctuation, as real ones do.
SIGNERS = {
    "fr": {"first_name": "Élodie", "last_name": "Martin", "email": "elodie@example.org"},
    "ar": {"first_name": "فاطمة", "last_name": "بنعلي", "email": "fatima.benali@example.org"},
    "en": {"first_name": "Sam", "last_name": "O'Neill", "email": "sam.oneill@example.org"},
}

# The team's pages (back office).
TEAM = {
    "fr": {
        "email": "Adresse e-mail",
        "password": "Mot de passe",
        "log_in": "Se connecter",
        "dashboard": "Tableau de bord",
        "log": "Journal des actions",
    },
    "ar": {
        "email": "البريد الإلكتروني",
        "password": "كلمة المرور",
        "log_in": "دخول",
        "dashboard": "لوحة المتابعة",
        "log": "سجل الإجراءات",
    },
    "en": {
        "email": "Email address",
        "password": "Password",
        "log_in": "Log in",
        "dashboard": "Dashboard",
        "log": "Action log",
    },
}
