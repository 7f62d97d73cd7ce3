"""German: sentence templates and vocabularies written for the sample crawl.

German inflects articles and adjectives by case, so slots hold whole phrases in
the one case their templates need; ``subject`` and ``hobby`` values are feminine,
neuter or plural, where nominative and accusative look alike.
"""

from thresher.tools.sample.corpus.model import Boilerplate, LanguageCorpus, LowQuality, Topic

COMMON_SLOTS = {
    "person": (
        "Anna", "Thomas", "Margarete", "Jonas", "Lena", "Klaus", "Sabine", "Felix",
        "Ursula", "Matthias", "Ingrid", "Stefan", "Katharina", "Lukas", "Hannelore", "Paul",
    ),
    "town": (
        "Lindenau", "Bergheim", "Altenstein", "Wiesenfeld", "Rosenau", "Kirchdorf",
        "Steinbach", "Hohenwald", "Eichenried", "Talheim", "Sonnenberg", "Fischbach",
    ),
    "month": (
        "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
        "August", "September", "Oktober", "November", "Dezember",
    ),
    "weekday": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "duration": (
        "zwei Stunden", "den ganzen Nachmittag", "drei lange Abende", "etwa vierzig Minuten",
        "ein ganzes Wochenende", "einen halben Tag", "fast eine Woche", "anderthalb Stunden",
    ),
    "weather": (
        "bei grauem, windigem Wetter", "an einem klaren, kalten Nachmittag", "an einem warmen Abend ohne Wind",
        "an einem verregneten Samstag", "an einem nebligen Tag im Spätherbst", "in einer klaren Nacht nach dem Regen",
        "an einem schwülen Augusttag", "an einem frostigen Sonntag",
    ),
    "companion": (
        "mein Nachbar", "eine alte Schulfreundin", "mein jüngerer Bruder", "eine Kollegin aus dem Büro",
        "meine Großmutter", "meine Tochter", "ein pensionierter Lehrer aus der Nachbarschaft", "mein Onkel",
    ),
    "feeling": (
        "überrascht", "erleichtert", "etwas nervös", "stolz", "müde, aber glücklich",
        "neugierig", "ungeduldig", "seltsam ruhig",
    ),
    "count": ("drei", "vier", "fünf", "sechs", "sieben", "zwölf", "zwanzig", "fünfzehn"),
}

COOKING = Topic(
    label="Küche",
    titles=(
        "So koche ich {subject} an einem hektischen {weekday}",
        "{count} Dinge, die ich beim Kochen gelernt habe",
        "Aus meiner Küche: {subject} mit {ingredient}",
        "Warum {ingredient} in jede Suppe gehört",
        "„{subject}“ – ein Rezept aus {town}",
    ),
    slots={
        "subject": (
            "die Linsensuppe", "die Apfeltorte aus Omas Rezeptheft", "die einfache Tomatensoße",
            "das Sonntagsessen", "das Gemüsecurry", "das selbst gebackene Fladenbrot",
            "die Pflaumenmarmelade", "das Ofengemüse mit Zitrone", "die Pilzpfanne", "die Kürbissuppe mit Ingwer",
        ),
        "hobby": (
            "das Kochen", "das Brotbacken am Wochenende", "das Einkochen von Obst",
            "das Kochen für eine große Familie", "das Experimentieren mit Gewürzen", "die Resteküche",
        ),
        "thing": ("Holzlöffel", "Gusseisenpfannen", "Rezeptkarten", "Einmachgläser", "Rührschüsseln"),
        "place": (
            "in der Küche", "auf dem Wochenmarkt", "in Omas Küche", "an der Arbeitsplatte am Fenster",
            "in unserer winzigen Küche", "in der Dorfbäckerei",
        ),
        "adj": ("würzig", "einfach", "herzhaft", "knusprig", "zart", "tröstlich", "frisch", "kräftig"),
        "ingredient": (
            "Knoblauch", "Thymian", "Zitronenschale", "Kreuzkümmel", "Paprikapulver", "Meersalz",
            "Pfeffer", "Petersilie", "Ingwer", "Chili", "Zimt", "Muskatnuss",
        ),
        "vegetable": (
            "Karotten", "Kartoffeln", "Zucchini", "Paprikaschoten", "Bohnen", "Zwiebeln",
            "Pastinaken", "Tomaten", "Erbsen", "Auberginen",
        ),
        "minutes": ("zehn", "fünfzehn", "zwanzig", "fünfundzwanzig", "dreißig", "vierzig"),
        "temperature": ("160", "180", "190", "200", "220"),
    },
    sentences=(
        "[Zuerst schneide ich die {vegetable} in kleine Würfel und erhitze|Als Erstes schneidet man die {vegetable} in grobe Stücke und erhitzt] etwas Öl in einem [schweren|großen] Topf.",
        "Nach [etwa|ungefähr|höchstens] {minutes} Minuten kommt {ingredient} dazu, und [bald|kurz darauf] riecht [die ganze Küche|die ganze Wohnung|sogar das Treppenhaus] [herrlich|verlockend|nach Sonntag].",
        "{person} [besteht darauf|ist fest überzeugt|hat mir einmal erklärt], dass {ingredient} erst [ganz am Ende|im letzten Moment] in den Topf gehört, und [nach vielen Versuchen|inzwischen] [stimme ich zu|sehe ich das genauso].",
        "Der Ofen [sollte|muss] auf {temperature} Grad vorgeheizt sein, [sonst|andernfalls] bleibt der Boden [blass und weich|feucht].",
        "Wer auf dem Markt keine {vegetable} findet, [nimmt einfach|greift zu] {vegetable2}, die [genauso gut funktionieren|oft sogar günstiger sind].",
        "Eine Prise {ingredient} verändert den Geschmack [stärker|mehr], als man bei [so einer kleinen|einer so winzigen] Menge erwarten würde.",
        "Reste halten sich [drei|vier|fünf] Tage im Kühlschrank und schmecken am [zweiten|nächsten] Abend [oft noch besser|sogar intensiver].",
        "Mein erster Versuch war [viel zu salzig|am Rand verbrannt|wässrig und fade], deshalb gebe ich {ingredient} jetzt [langsam|vorsichtig] dazu und probiere nach jedem [Löffel|Schritt].",
        "Dazu passt [eine Scheibe Bauernbrot|gekochter Reis|ein grüner Salat], und [obendrauf|zum Schluss] kommt etwas {ingredient2}.",
        "Unsere {thing} sind [älter als ich|vom Flohmarkt in {town}|ein Hochzeitsgeschenk], und [sie tun immer noch ihren Dienst|nichts Neues hat sie ersetzt].",
    ),
)

TRAVEL = Topic(
    label="Reisen",
    titles=(
        "{count} Tage in {destination} ohne Auto",
        "Eine langsame Reise nach {destination}",
        "Was ich über {hobby} gelernt habe",
        "{destination} im {month}: ein kleines Reisetagebuch",
        "Unterwegs nach {destination} – „langsam ist schön“",
    ),
    slots={
        "subject": (
            "die Nachtzugfahrt an die Küste", "eine Woche in den Bergen", "das alte Hafenviertel",
            "die Wanderung am Fluss entlang", "die Fährüberfahrt zur Insel", "die kleine Pension am Dom",
            "die Küstenwanderung", "ein langes Wochenende in der Hauptstadt",
        ),
        "hobby": (
            "das Reisen mit der Bahn", "das Wandern auf Fernwegen", "das Entdecken kleiner Städte",
            "das Reisen mit kleinem Budget", "das Reisen mit leichtem Gepäck", "das Reisen außerhalb der Saison",
        ),
        "thing": ("Landkarten", "Zugtickets", "Postkarten", "Wanderschuhe", "Reiseführer", "Regenjacken"),
        "place": (
            "am Hauptbahnhof", "auf dem Bahnsteig", "in einem Café am Hafen", "auf dem Oberdeck der Fähre",
            "in der Küche der Jugendherberge", "oben auf dem alten Leuchtturm",
        ),
        "adj": ("ruhig", "überfüllt", "windig", "charmant", "friedlich", "lebhaft", "abgelegen", "bunt"),
        "lane_adj": ("ruhigen", "engen", "windigen", "charmanten", "stillen", "lebhaften", "steilen", "bunten"),
        "destination": (
            "Lissabon", "Krakau", "Sevilla", "Ljubljana", "Porto", "Triest", "Danzig",
            "Bordeaux", "Tallinn", "Bergen",
        ),
        "transport": (
            "mit dem Frühbus", "mit einem Regionalzug", "mit einem Leihfahrrad", "mit der letzten Fähre",
            "mit einem Sammeltaxi", "mit dem Nachtbus",
        ),
        "hours": ("zwei", "drei", "vier", "fünf", "sechs", "acht"),
        "price": ("12 €", "25 €", "8,50 €", "40 €", "18 €", "30 €"),
    },
    sentences=(
        "Nach {hours} Stunden {transport} erreichten wir {destination}, [müde, aber froh|steif und hungrig, aber glücklich], uns endlich die Beine vertreten zu können.",
        "Am günstigsten ging es {transport}: {price} pro Person, [Abfahrt vor Sonnenaufgang|dafür fast den ganzen Tag unterwegs].",
        "[Die Einheimischen rieten|Die Frau in der Bäckerei riet|Unsere Gastgeberin riet] uns, den berühmten Platz [auszulassen|zu meiden] und stattdessen durch die {lane_adj} Gassen hinter dem Markt zu gehen.",
        "Unser Zimmer hatte [einen schmalen Balkon|ein kleines Fenster] über den Dächern, und [morgens|in der Dämmerung] hörten wir [die Kirchenglocken|die Möwen|die Straßenbahn] unter uns.",
        "Wer im {month} nach {destination} fährt, sollte eine warme Jacke einpacken, denn die Abende werden [schnell|ohne Vorwarnung] [kalt|kühl].",
        "Am zweiten Tag ließen wir die {thing} [im Hotel|im Zimmer] und folgten einfach [dem Fluss|der Küste|der alten Straßenbahnlinie], [ohne Ziel und ohne Eile|bis zum Abend|so weit die Füße trugen].",
        "Eine Eintrittskarte für [das Museum|die alte Festung|den Botanischen Garten] kostet {price}, und [schon die Aussicht lohnt sich|wir haben es nicht bereut].",
        "Auf der Rückfahrt {transport} hatte ich Zeit, alles [aufzuschreiben|zu skizzieren], was wir gesehen hatten.",
        "[Niemand|Keiner] [auf dem Bahnsteig|in der Schlange] [wusste|konnte sagen], warum der Zug Verspätung hatte, aber [niemand beschwerte sich|alle teilten ihre Brote].",
        "{person} hatte ein [kleines|familiengeführtes] Restaurant auf der Karte [markiert|eingekreist], und dort gab es [das beste Essen|die beste Mahlzeit] der ganzen Reise.",
    ),
)

GARDENING = Topic(
    label="Garten",
    titles=(
        "{plant} {place} ziehen",
        "Mein Gartenjahr in {town}",
        "Wie wir die {pest} diesen Sommer ferngehalten haben",
        "{count} Fehler, die ich mit {plant} gemacht habe",
        "Was mich der {month} über {hobby} gelehrt hat",
    ),
    slots={
        "subject": (
            "das Gemüsebeet", "die kleine Parzelle", "das Kräuterbeet an der Hintertür",
            "die Reihe Stangenbohnen", "die alte Obstwiese", "die Hochbeete", "die Wildblumenecke",
            "die Tomaten im Gewächshaus",
        ),
        "hobby": (
            "die Gartenarbeit auf schwerem Lehmboden", "das Gemüseziehen aus Samen", "die Pflege von Obstbäumen",
            "das Kompostieren", "das Gärtnern ohne Chemie", "das Sammeln von Saatgut",
        ),
        "thing": ("Anzuchtschalen", "Gartenhandschuhe", "Gießkannen", "Gartenscheren", "Holzpfähle"),
        "place": (
            "im Garten", "in der Kleingartenanlage", "im Gewächshaus", "am Südzaun",
            "hinter dem Schuppen", "im Schatten der Hecke",
        ),
        "adj": ("grün", "üppig", "matschig", "sonnig", "geschützt", "trocken", "fruchtbar", "verwildert"),
        "bed_adj": ("grünen", "üppigen", "matschigen", "sonnigen", "geschützten", "trockenen", "fruchtbaren", "verwilderten"),
        "plant": (
            "Tomaten", "Stangenbohnen", "Zucchini", "Erdbeeren", "Knoblauchzehen", "Duftwicken",
            "Rhabarberstauden", "Sonnenblumen", "Erbsen", "Kartoffeln",
        ),
        "pest": ("Schnecken", "Blattläuse", "Raupen", "Tauben", "Kaninchen", "Wühlmäuse"),
        "weeks": ("zwei", "drei", "vier", "sechs", "acht"),
    },
    sentences=(
        "Die {plant} habe ich Anfang {month} in [kleine Töpfe|Anzuchtschalen|alte Joghurtbecher] gesät und {weeks} Wochen später nach draußen gesetzt.",
        "Die {pest} fanden die jungen Blätter [innerhalb weniger Tage|schon nach einer Woche], deshalb [schütze ich jetzt jedes Beet mit einem feinen Netz|decke ich jetzt jedes Beet mit Vlies ab].",
        "Eine dicke Schicht [Kompost|Laubhumus|gut verrotteter Mist] im Herbst tut dem Boden mehr Gutes als jedes [Mittel|Fläschchen] aus dem Gartencenter.",
        "{person} von der [Nachbarparzelle|anderen Straßenseite] hat mir eine [Tüte|Kiste] junger {plant} geschenkt, und sie wuchsen viel besser als meine.",
        "Gießen sollte man [morgens|in den frühen Stunden] statt [abends|nachts], denn [feuchte|nasse] Blätter über Nacht [locken|ziehen] {pest} und Schimmel an.",
        "Dieses Jahr [hatten die {plant} in der {bed_adj} Ecke zu kämpfen|kümmerten die {plant} in der {bed_adj} Ecke vor sich hin], während die {plant2} direkt daneben [prächtig gediehen|wunderbar wuchsen].",
        "Jeden {weekday} verbringe ich [eine Stunde|etwas Zeit] mit Unkrautjäten, und das ist [der ruhigste|der friedlichste] Teil meiner Woche geworden.",
        "Die {thing} bewahren wir im Schuppen auf, der trocken genug ist, dass über den Winter nichts [rostet|verrottet].",
        "[Mein Nachbar|Ein alter Gärtner|{person}] schwört darauf, {plant} neben {plant2} zu pflanzen, und [die bisherigen Ergebnisse sprechen dafür|die Ernte gibt der Methode recht].",
        "Ende {month} waren die {bed_adj} Beete [voller|übervoll mit] {plant}, und wir haben [tütenweise|körbeweise] davon an Freunde verschenkt.",
    ),
)

BICYCLE = Topic(
    label="Fahrrad",
    titles=(
        "{part} selbst reparieren: so geht’s",
        "Ein Einsteigerleitfaden für {hobby}",
        "Wie ich {subject} wieder zum Leben erweckt habe",
        "Welches Werkzeug man für {hobby} wirklich braucht",
        "Werkstattnotizen aus {town}",
    ),
    slots={
        "subject": (
            "das alte Stahlrad", "das rostige Stadtrad", "die Schaltung", "die quietschende Bremse",
            "das Hinterrad", "das gebrauchte Rennrad", "das erste Fahrrad meiner Tochter", "das Tretlager",
        ),
        "hobby": (
            "das Reparieren von Fahrrädern", "die Pflege alter Räder", "das tägliche Pendeln mit dem Rad",
            "das Bauen eines Rades aus Ersatzteilen", "das Flicken von Reifen am Straßenrand",
            "das Einstellen der Gangschaltung",
        ),
        "thing": ("Reifenheber", "Ersatzschläuche", "Inbusschlüssel", "Bremsbeläge", "Kabelbinder"),
        "place": (
            "in der Werkstatt", "im Hausflur", "im Reparaturcafé", "auf dem Balkon", "in der Garage", "am Straßenrand",
        ),
        "adj": ("leichtgängig", "laut", "schwergängig", "locker", "zuverlässig", "leicht", "abgenutzt", "stabil"),
        "part": (
            "die Kette", "das Bremskabel", "die Pedale", "die Sattelstütze", "das Steuerlager",
            "die Speichen", "das Schaltkabel", "die Vorderradnabe", "das Lenkerband",
        ),
        "tool": (
            "einen 15er-Schlüssel", "einen Kettennieter", "eine Pumpe mit Manometer", "einen Satz Inbusschlüssel",
            "einen Konusschlüssel", "zwei Reifenheber",
        ),
    },
    sentences=(
        "Bevor man [irgendetwas anfasst|loslegt], sollte man {part} mit einem Lappen reinigen, denn Schmutz [verdeckt|versteckt] die meisten echten Probleme.",
        "Um {part} [auszubauen|einzustellen|zu tauschen], braucht man nur {tool} und etwas Geduld.",
        "Fühlt sich das Rad {adj} an, liegt es [oft|meistens] an einem [abgenutzten|ausgeleierten] Zug und nicht an einem kaputten Teil.",
        "{person} aus dem Reparaturcafé hat mir gezeigt, wie man [ein Laufrad zentriert|eine Bremse einstellt], indem man [eine Speiche nach der anderen anzieht|eine winzige Schraube dreht].",
        "Ich habe {part} für weniger als [den Preis einer Kinokarte|eine Pizza|{count} Euro] erneuert, und seitdem läuft das Rad [tadellos|ohne Murren].",
        "Jeden {weekday} prüfe ich den Reifendruck, denn [weiche|zu schwach aufgepumpte] Reifen machen die Fahrt [mühsam|langsam] und [schaden den Felgen|nutzen die Felgen ab].",
        "Ein Tropfen [Öl|Wachs|Kettenfett] auf jedes Glied, nach [einer Minute|kurzer Zeit] abgewischt, hält die Kette [wochenlang|einen ganzen Monat] [leise|sauber].",
        "Ich habe {duration} daran gearbeitet, und jetzt ist {subject} wieder {adj} und bereit für [die Fahrt zur Arbeit|den Weg zum Markt].",
        "[Beim ersten Mal|Vor Jahren|Einmal] habe ich vergessen, {part} festzuziehen, und [am ersten steilen Hügel|an der ersten Steigung] [habe ich gelernt|wurde mir klar], warum das wichtig ist.",
        "In der kleinen Tasche unter dem Sattel habe ich immer {tool} und ein paar {thing} dabei, [nur für den Fall|für Notfälle].",
    ),
)

ASTRONOMY = Topic(
    label="Sternenhimmel",
    titles=(
        "{object} im {month} finden",
        "Eine Nacht {place}",
        "{hobby} für absolute Anfänger",
        "Endlich gesehen: {subject}",
        "{constellation} über {town}",
    ),
    slots={
        "subject": (
            "die Andromedagalaxie", "die partielle Mondfinsternis", "die Ringe des Saturn", "die Perseiden",
            "die Krater des Mondes", "die Plejaden", "die Milchstraße im Sommer", "die Venus am Abendhimmel",
        ),
        "hobby": (
            "das Beobachten des Nachthimmels", "die Planetenbeobachtung mit einem kleinen Teleskop",
            "das Fotografieren des Mondes", "das Lernen der Sternbilder", "das Sternegucken im Garten",
            "das Zählen von Sternschnuppen",
        ),
        "thing": ("Sternkarten", "Ferngläser", "Rotlichtlampen", "Klappstühle", "warme Decken"),
        "place": (
            "auf dem Hügel hinter dem Dorf", "im Garten hinter dem Haus", "an der Sternwarte",
            "an einem dunklen Strand", "auf einem Feld weit weg von den Lichtern der Stadt", "auf der Dachterrasse",
        ),
        "adj": ("klar", "dunkel", "kalt", "still", "ruhig", "mild", "frostig", "wolkenlos"),
        "night": (
            "in einer klaren Nacht", "in einer dunklen Neumondnacht", "in einer kalten Winternacht",
            "in einer stillen Sommernacht", "in einer frostigen Nacht",
        ),
        "object": ("Jupiter", "Saturn", "Venus", "Mars", "Sirius", "Wega", "Kapella", "Arktur"),
        "constellation": ("Orion", "Kassiopeia", "Perseus", "Pegasus", "Andromeda", "Herkules", "Bootes"),
    },
    sentences=(
        "{night} ist {object} [leicht|problemlos] zu finden, [selbst|sogar] vom Stadtrand aus.",
        "Mit einem [gewöhnlichen|günstigen|geliehenen] Fernglas [sieht man|konnte {person} erkennen] [vier Monde des Jupiter|die Phasen der Venus] [wie kleine Perlen aufgereiht|ohne jede Mühe].",
        "Die Augen brauchen [mindestens|gut] [zwanzig|dreißig] Minuten, um sich an die Dunkelheit zu gewöhnen, bevor man nach {object} [sucht|Ausschau hält].",
        "Wir bauten das Teleskop {place} auf und warteten, bis {constellation} über den [Bäumen|Dächern] aufging.",
        "{person} führt ein [Notizbuch|Tagebuch|Beobachtungsbuch] über jede [Beobachtung|Nacht], mit [Datum|Uhrzeit] und [dem Zustand des Himmels|der Durchsicht der Luft].",
        "Im {month} ist die beste Zeit [kurz nach Mitternacht|kurz vor der Dämmerung], wenn {constellation} hoch im [Süden|Osten] steht.",
        "Das [schwache|sanfte] Leuchten von {object} überraschte alle, die zum ersten Mal durch das Okular schauten.",
        "Eine Handykamera, die man ans Okular hält, kann {object} einfangen, auch wenn die Bilder [selten scharf|etwas unscharf] sind.",
        "[Kurz nach zehn zogen Wolken auf|Gegen zehn bildete sich leichter Dunst|Dann frischte der Wind auf], also packten wir die {thing} ein und [versuchten es|kamen] am nächsten Abend [noch einmal|wieder].",
        "Das Licht von {town} [verschluckt|überstrahlt] [die meisten|viele] schwächeren Sterne, deshalb fahren wir [hinaus|zwanzig Minuten] zu dunkleren Feldern.",
    ),
)

TOWN_HISTORY = Topic(
    label="Heimatgeschichte",
    titles=(
        "Die Geschichte der Stadt {town}",
        "{town} im Jahr {year}: eine Stadt der {trade}",
        "Wie {event} {town} verändert hat",
        "Ein Spaziergang durch das alte {town}",
        "Was das Archiv über {subject} verrät",
    ),
    slots={
        "subject": (
            "die alte Markthalle", "die steinerne Brücke", "die Pfarrkirche", "die ehemalige Tuchfabrik",
            "das Bahnhofsgebäude", "die Stadtmauer", "die Dorfschule", "das Lagerhaus am Hafen",
        ),
        "hobby": (
            "die Heimatforschung", "die Ahnenforschung", "das Stöbern im Stadtarchiv", "das Sammeln alter Postkarten",
            "das Gespräch mit älteren Einwohnern", "das Kartieren vergessener Straßen",
        ),
        "thing": ("alte Fotografien", "Kirchenbücher", "vergilbte Briefe", "Ratsprotokolle", "handgezeichnete Karten"),
        "place": (
            "im Stadtarchiv", "im Heimatmuseum", "im Lesesaal der Bibliothek", "auf dem Marktplatz",
            "im Kirchturm", "am alten Kanal",
        ),
        "adj": ("bedeutend", "wohlhabend", "arm", "lebendig", "still", "bescheiden", "stolz", "geschäftig"),
        "year": ("1642", "1785", "1812", "1848", "1871", "1903", "1926", "1954"),
        "trade": ("Weber", "Brauer", "Fischer", "Schmiede", "Müller", "Seiler", "Töpfer"),
        "event": (
            "der große Brand", "das Hochwasser", "die Ankunft der Eisenbahn", "ein schweres Fieber",
            "die Schließung der Mühle", "der Besuch des Königs",
        ),
    },
    sentences=(
        "Im Jahr {year} war {town} [ein Ort|eine Stadt] der {trade}, und ihre Namen stehen noch heute auf [vielen|einigen] Straßenschildern.",
        "In den Unterlagen steht, dass {event} im Jahr {year} [die halbe Stadt|ein Drittel der Häuser] zerstörte.",
        "{person} verbrachte {duration} {place} und ging {thing} durch, die seit Jahrzehnten niemand geöffnet hatte.",
        "Viele Familien lebten als {trade}, bis {event} [alles veränderte|ihr Leben auf den Kopf stellte].",
        "{subject} steht auf Fundamenten, die älter sind, als [die meisten|viele] in {town} [glauben|ahnen].",
        "Eine Karte von {year} zeigt [Felder|Obstwiesen|Sumpfland], wo heute der Supermarkt und der Parkplatz stehen.",
        "Ältere Einwohner erinnern sich noch, wie [sich das ganze Leben um {subject} drehte|ganz {town} für {subject} Geld sammelte].",
        "Laut [den Ratsprotokollen|einer alten Zeitung] wurde [die erste Schule im Jahr {year} mit nur {count} Schülern|die erste Leihbücherei im Jahr {year} in einem einzigen Raum] eröffnet.",
        "[Ein Stein über der Tür|Eine Inschrift an der Wand|Eine verwitterte Tafel] [erinnert noch heute an|nennt noch heute] die {trade}, die {subject} bezahlt haben.",
        "[Nur wenige Besucher bemerken|Kaum ein Besucher bemerkt] [die schmale Gasse|das alte Tor|die kleine Kapelle] hinter dem Rathaus, dabei steckt dort die halbe Geschichte von {town}.",
    ),
)

GENERIC_SENTENCES = (
    "Für {hobby} begeistere ich mich, seit {companion} mir {weather} die Grundlagen gezeigt hat.",
    "Im {month} haben {person} und ich {duration} {place} verbracht und sind beide {feeling} nach Hause gekommen.",
    "[In meiner Familie|In meinem Freundeskreis] hatte niemand viel Geduld für {hobby}, also habe ich [das meiste|die Grundlagen] aus [Büchern|alten Zeitschriften] und aus Fehlern gelernt.",
    "Wer gerade [erst anfängt|neu dabei ist], sollte [klein beginnen|sich Zeit lassen] und [ein paar Notizen|ein einfaches Tagebuch] darüber führen, was [funktioniert|klappt].",
    "Die {thing}, die wir [vor Jahren|beim Umzug|in {town}] gekauft haben, sind noch immer in Gebrauch, was [viel|einiges] über [Qualität|gute Pflege] sagt.",
    "Fast den ganzen {weekday} hat es geregnet, aber am Abend [klarte der Himmel über {town} auf|färbte sich der Himmel über {town} rosa].",
    "{person} musste [lachen|schmunzeln], als ich [zugab|gestand], wie [lange|viele Anläufe] ich für {subject} gebraucht habe.",
    "Es gibt nicht [die eine|nur eine] richtige [Methode|Art], und wer etwas anderes [behauptet|sagt], hat [vermutlich|wahrscheinlich] nicht [viele|genug] ausprobiert.",
    "Die Leute in {town} [machen das|sind damit beschäftigt] seit Generationen, und jede Familie hat ihre [kleinen Geheimnisse|eigenen Gewohnheiten].",
    "Ich komme immer wieder auf {hobby} zurück, weil [es mich zwingt|ich dabei lerne], langsamer zu werden und genau hinzusehen.",
    "Ende {month} hatte ich ein halbes Notizbuch mit [Skizzen|Listen], [Fragen|Preisen] und [Plänen|Zweifeln] gefüllt.",
    "Mein Rat ist [einfach|kurz|immer derselbe]: [geduldig|neugierig] bleiben, um Hilfe bitten und nicht [alles|jedes Gerät] [auf einmal|gleich im {month}] kaufen.",
    "{weather} möchte man am liebsten bis [zum Abend|zum Essen] {place} bleiben.",
    "Als {companion} mich [neulich|kürzlich] fragte, was mir [daran|an all dem] am meisten gefällt, fiel mir keine [kurze|einfache] Antwort ein.",
    "Einige der besten Tipps habe ich von {person}, [seit über|seit mehr als] {count} Jahren ein alter Hase, wenn es um {hobby} geht.",
    "Wenn [hier|in diesem Beitrag] etwas [unklar|verwirrend] ist, [hinterlasst unten eine Frage|schreibt mir eine Nachricht], und ich [versuche, sie zu beantworten|antworte bis {weekday}].",
)

BOILERPLATE = Boilerplate(
    nav=("Startseite", "Artikel", "Über uns", "Kontakt", "Archiv", "Newsletter", "Termine", "Shop"),
    taglines=(
        "Kleine Geschichten aus einer kleinen Stadt", "Notizen, Anleitungen und ehrliche Meinungen",
        "Langsam geschrieben, mit Tee gelesen", "Ein Wochenblog seit 2009", "Praktische Ideen für jeden Tag",
    ),
    cookie_notices=(
        "Wir verwenden Cookies, um Ihnen ein optimales Nutzungserlebnis zu bieten und Inhalte zu personalisieren. Mit der weiteren Nutzung stimmen Sie dem zu.",
        "Diese Website nutzt Cookies für Statistik und Werbung. Ihre Einstellungen können Sie jederzeit in den Cookie-Einstellungen ändern.",
    ),
    cookie_accept="Alle akzeptieren",
    cookie_settings="Cookie-Einstellungen",
    ad_label="Anzeige",
    ads=(
        "Gartenmöbel jetzt 30 % günstiger – nur an diesem Wochenende, versandkostenfrei ab 50 €.",
        "Strompreise vergleichen und in fünf Minuten den Anbieter wechseln.",
        "Neue Saison, neue Schuhe: Entdecken Sie jetzt die Frühjahrskollektion.",
        "Sommerurlaub heute buchen und nur eine kleine Anzahlung leisten.",
        "Schnelles Internet für die ganze Familie ab 19,99 € im Monat.",
    ),
    related_headings=("Ähnliche Beiträge", "Das könnte Sie auch interessieren", "Beliebt diese Woche", "Mehr aus dieser Rubrik"),
    comments_heading="{n} Kommentare",
    comments=(
        "Toller Beitrag, danke fürs Teilen!", "Habe ich letztes Wochenende ausprobiert, hat super geklappt.",
        "Könntest du den zweiten Schritt etwas genauer erklären?", "Wie immer sehr schöne Fotos.",
        "Da werden so viele Erinnerungen wach.", "Danke, gleich als Lesezeichen gespeichert.",
        "Bei den Preisen sehe ich das anders, aber sonst lesenswert.", "Erster! Weiter so.",
    ),
    leave_comment="Kommentar hinterlassen",
    post_comment="Kommentar abschicken",
    rights="© {year} {site}. Alle Rechte vorbehalten.",
    footer_links=("Datenschutz", "Impressum", "AGB", "Kontakt", "Werben", "Sitemap"),
    byline="Veröffentlicht am {date} von {author}",
    read_more="Weiterlesen",
    newsletter="Die besten Artikel einmal pro Woche per E-Mail.",
    email_placeholder="Ihre E-Mail-Adresse",
    subscribe="Abonnieren",
    search="Suche",
    share="Artikel teilen",
    not_found_title="Seite nicht gefunden",
    not_found_text="Die gesuchte Seite existiert leider nicht oder wurde verschoben.",
    server_error_title="Interner Serverfehler",
    server_error_text="Auf unserer Seite ist etwas schiefgelaufen. Bitte versuchen Sie es später erneut.",
    moved_text="Diese Seite ist dauerhaft umgezogen.",
    date_pattern="{day}. {month} {year}",
    date_months=COMMON_SLOTS["month"],
)

LOW_QUALITY = LowQuality(
    salad_words=(
        "günstig", "Kredit", "Rabatt", "Versicherung", "Download", "gratis", "Angebot", "Online",
        "Preis", "Hypothek", "Anwalt", "billigste", "Schnäppchen", "Software", "Klingelton", "Schuhe",
        "Uhr", "Replika", "Bonus", "schnell", "Bewertung", "Versand", "Gutschein", "garantiert",
        "Diät", "Pillen", "Krypto", "Handy", "Tablet", "Laptop", "Akku", "Ladegerät", "Premium",
        "Sofortkredit", "Vergleich", "Testsieger", "Gewinnspiel", "Sparpreis",
    ),
    repeated_lines=(
        "Jetzt klicken und Gratis-Preis sichern!",
        "Beste Preise auf alle Produkte garantiert.",
        "Nur heute: Sonderangebot!",
        "Jetzt abonnieren für weitere Angebote.",
    ),
    too_short=(
        "Diese Seite befindet sich im Aufbau.",
        "Demnächst mehr!",
        "Noch kein Inhalt vorhanden.",
        "Danke für Ihren Besuch.",
    ),
    link_list_heading="Nützliche Links",
)

CORPUS = LanguageCorpus(
    code="de",
    spaced=True,
    html_lang="de",
    common_slots=COMMON_SLOTS,
    generic_sentences=GENERIC_SENTENCES,
    topics={
        "cooking": COOKING,
        "travel": TRAVEL,
        "gardening": GARDENING,
        "bicycle": BICYCLE,
        "astronomy": ASTRONOMY,
        "town_history": TOWN_HISTORY,
    },
    boilerplate=BOILERPLATE,
    low_quality=LOW_QUALITY,
    site_prefixes=(
        ("stille", "Stille"), ("nord", "Nord"), ("klein", "Klein"), ("gruen", "Grün"),
        ("alt", "Alt"), ("hell", "Hell"), ("berg", "Berg"), ("wald", "Wald"),
        ("fluss", "Fluss"), ("sonntag", "Sonntag"), ("kupfer", "Kupfer"), ("linden", "Linden"),
    ),
    site_suffixes=(
        ("kueche", "küche"), ("blatt", "blatt"), ("notizen", "notizen"), ("pfade", "pfade"),
        ("bote", "bote"), ("ecke", "ecke"), ("almanach", "almanach"), ("werkstatt", "werkstatt"),
        ("kurier", "kurier"), ("tagebuch", "tagebuch"), ("rundschau", "rundschau"), ("zeitung", "zeitung"),
    ),
    site_name_joiner="",
    tlds=("de", "at", "ch", "de"),
    substitutes=(
        "klein", "schwer", "sorgfältig", "früh", "einfach", "lokal", "schmal", "sanft",
        "bescheiden", "ruhig", "ehrlich", "geduldig", "gewöhnlich", "angenehm",
    ),
    stop_words=("der", "die", "und", "das", "ist", "nicht", "mit", "zu", "den", "ich", "sie", "es", "ein", "von", "auf"),
    legacy_charsets=("windows-1252",),
)
