"""The KLEEMA petition in Arabic and English, faithful to the French text in seed.py."""

ARABIC = {
    "title": "إدارة وانا، أعيدوا مكالمات مشتركي KLEEMA",
    "summary": (
        "نطالب إدارة وانا بأن تعيد فورًا مكالمات مشتركي KLEEMA نحو أرقامها في المغرب، المقطوعة منذ "
        "7 سبتمبر 2009، دون انتظار نهاية الإجراءات القضائية. نحن آلاف المغاربة المقيمين بالخارج نعتمد "
        "على هذه الخدمة لنتحدث إلى عائلاتنا."
    ),
    "addressee": "إلى عناية إدارة وانا",
    "letter": """السيدات والسادة،

نحن مشتركون في KLEEMA أو من ذوي المشتركين. نعيش في فرنسا وبلجيكا وإسبانيا وإيطاليا وكندا وغيرها، ونتصل كل أسبوع بآبائنا وأمهاتنا وأبنائنا وأزواجنا الذين بقوا في المغرب.

يوم الاثنين 7 سبتمبر 2009، نحو الساعة الخامسة مساءً، توقفت مكالماتنا إلى أرقام وانا عن الوصول. قيل لنا في البداية إنه عطل تقني. وبعد أربعة أيام أعلنتم إنهاء العقد الذي يربطكم بشركة KLEEMA، مع أنه كان ساريًا حتى 1 مارس 2011.

وقد وقع هذا الانقطاع في منتصف شهر رمضان، في الوقت من السنة الذي تكون فيه العائلات في أمسّ الحاجة إلى أن تتحدث. وهو يمسّ نحو خمسين ألف أسرة لا شأن لها بالخلاف القائم بين شركتين.

لسنا حَكَمًا في هذا الخلاف، فالقضاء ينظر فيه. لكن الإجراءات تستغرق وقتًا، وفي أثناء ذلك عائلاتنا هي التي لم يعد أفرادها يسمع بعضهم بعضًا. لذلك نطلب منكم إعادة وصل الخط من الآن، واستقبال ممثلي KLEEMA للتوصل إلى مخرج.

مع خالص التحيات،
الموقّعون""",
    "background": """شركة KLEEMA مشغّل اتصالات يقدّم منذ نحو سنتين مكالمات غير محدودة إلى المغرب عبر الهاتف بالإنترنت. وأغلب مشتركيه، وعددهم نحو خمسين ألفًا، مغاربة مقيمون بالخارج.

الاثنين 7 سبتمبر 2009، الساعة الخامسة مساءً: المكالمات نحو زبائن وانا، شريك KLEEMA في المغرب، لم تعد تصل. وتتحدث وانا عن عطل تقني.

الأربعاء 9 سبتمبر: تتوقف KLEEMA عن فوترة المشتركين المتضررين وتتعهد بجبر الضرر كاملًا.

الجمعة 11 سبتمبر، الساعة الواحدة ظهرًا: الانقطاع ما زال مستمرًا. تعلن وانا إنهاء العقد وتتهم KLEEMA بالإخلال بالتزاماتها، وهو ما تعترض عليه KLEEMA. وترفض الإدارة الجديدة لوانا لقاء KLEEMA.

وفي الأسبوع نفسه، تراسل KLEEMA مشتركيها وتلجأ إلى قاضي المستعجلات للمطالبة بإعادة الخدمة أو، إن تعذّر ذلك، بالتعويض عن الأضرار.

وفي الأثناء، ظهر للتو عرض منافس للمكالمات غير المحدودة نحو المغرب. والأسئلة التي يثيرها أمرٌ يفصل فيه القضاء؛ أما نحن فنطلب أن نتمكن من الاتصال بأحبّتنا.""",
    "demands": """أن تعيد وانا فورًا تمرير مكالمات KLEEMA إلى مشتركيها، في انتظار صدور الحكم القضائي.
أن تقبل إدارة وانا لقاء KLEEMA لتسوية الخلاف بالتراضي.
أن يُبلَّغ المشتركون المحرومون من الخدمة بالمستجدات وأن يُعوَّضوا.""",
}

ENGLISH = {
    "title": "Wana, restore the calls of KLEEMA subscribers",
    "summary": (
        "We ask Wana's management to restore at once the calls of KLEEMA subscribers to its numbers in "
        "Morocco, cut off since 7 September 2009, without waiting for the end of the court proceedings. "
        "Thousands of us, Moroccans living abroad, rely on this service to talk to our families."
    ),
    "addressee": "For the attention of Wana's management",
    "letter": """Dear Sir or Madam,

We are KLEEMA subscribers, or relatives of subscribers. We live in France, Belgium, Spain, Italy, Canada and elsewhere, and every week we call our parents, our children, our husbands and wives who stayed in Morocco.

On Monday 7 September 2009, at around 5 pm, our calls to Wana numbers stopped going through. At first we were told it was a technical problem. Four days later, you announced that you were ending your contract with KLEEMA, although it ran until 1 March 2011.

This cut came in the middle of Ramadan, at the time of year when families most need to talk to one another. It affects some 50,000 households that have nothing to do with a dispute between two companies.

It is not for us to judge this dispute: the courts are dealing with it. But proceedings take time, and meanwhile it is our families who can no longer hear one another. We ask you to restore the line now, and to meet KLEEMA's representatives to find a way out.

Yours faithfully,
The signatories""",
    "background": """KLEEMA is an operator that has been selling unlimited calls to Morocco over internet telephony for about two years. Most of its 50,000 or so subscribers are Moroccans living abroad.

Monday 7 September 2009, 5 pm: calls to the customers of Wana, KLEEMA's partner in Morocco, stop going through. Wana speaks of a technical problem.

Wednesday 9 September: KLEEMA stops billing the affected subscribers and undertakes to make good all the harm done.

Friday 11 September, 1 pm: the cut is still on. Wana announces the end of the contract and accuses KLEEMA of failing to meet its obligations, which KLEEMA disputes. Wana's new management refuses to meet KLEEMA.

The same week, KLEEMA writes to its subscribers and goes to the judge in urgent proceedings to have the service restored or, failing that, to obtain damages.

Meanwhile, a competing offer of unlimited calls to Morocco has just appeared. The questions it raises are for the courts to settle; what we ask for is to be able to call our loved ones.""",
    "demands": """That Wana immediately restore the routing of KLEEMA's calls to its subscribers, pending the court's decision.
That Wana's management agree to meet KLEEMA to settle the dispute amicably.
That the subscribers deprived of the service be kept informed and compensated.""",
}

TRANSLATIONS = {"ar": ARABIC, "en": ENGLISH}
