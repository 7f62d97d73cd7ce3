"""French: sentence templates and vocabularies written for the sample crawl.

French elides and contracts articles (``de le`` -> ``du``, ``que il`` -> ``qu'il``)
and makes adjectives and some participles agree in gender, so the slots are
shaped to fit any template that uses them:

* ``subject`` values are feminine singular noun phrases beginning with ``la`` and
  a consonant, so ``de {subject}`` and ``à {subject}`` stay correct;
* ``activity`` values are infinitive phrases beginning with a consonant
  (``commencer à {activity}``, ``le fait de {activity}``);
* ``thing``, ``vegetable``, ``plant`` and ``trade`` are bare plural nouns, used
  after ``les``, ``des``, ``nos`` or ``de``; names of people and towns begin with
  a consonant, and no template makes a word agree with a slot of unknown gender.
"""

from thresher.tools.sample.corpus.model import Boilerplate, LanguageCorpus, LowQuality, Topic

COMMON_SLOTS = {
    "person": (
        "Margot", "Thomas", "Julien", "Camille", "Bernard", "Claire", "Mathieu", "Sylvie",
        "Pierre", "Louise", "Nadia", "Paul", "Martine", "Lucas", "Josiane", "François",
    ),
    "town": (
        "Montrivel", "Castelbrune", "Saint-Jorand", "Valmorin", "Briseval", "Fontenelle-sur-Loue",
        "Roncières", "Sainte-Colombe-du-Bois", "Pradelles-le-Haut", "Mirevaux", "Chantemerle", "Beauvallon",
    ),
    "month": (
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
        "août", "septembre", "octobre", "novembre", "décembre",
    ),
    "weekday": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "duration": (
        "deux heures", "tout un après-midi", "trois longues soirées", "une quarantaine de minutes",
        "un week-end entier", "une demi-journée", "presque une semaine", "une heure et demie",
    ),
    "weather": (
        "par une matinée grise et venteuse", "par un après-midi clair et froid",
        "par une douce soirée sans vent", "par un samedi pluvieux",
        "par une journée de brouillard à la fin de l'automne", "par une nuit claire après la pluie",
        "par une journée lourde du mois d'août", "par un dimanche de gel",
    ),
    "companion": (
        "mon voisin", "une vieille amie d'école", "mon petit frère", "une collègue de bureau",
        "ma grand-mère", "ma fille", "un instituteur à la retraite du quartier", "mon oncle",
    ),
    # Always said of "nous": masculine plural.
    "feeling": (
        "surpris", "soulagés", "un peu nerveux", "fiers", "fatigués mais heureux",
        "curieux", "impatients", "étrangement calmes",
    ),
    "count": ("trois", "quatre", "cinq", "six", "sept", "douze", "vingt", "quinze"),
}

COOKING = Topic(
    label="Cuisine",
    titles=(
        "Comment je prépare {subject} un {weekday} chargé",
        "{count} leçons tirées d'une année en cuisine",
        "Carnet de cuisine : {subject} avec {ingredient}",
        "Pourquoi je ne cuisine plus jamais sans {ingredient}",
        "Un dîner {adj} en plein {month}",
    ),
    slots={
        "subject": (
            "la soupe de lentilles", "la tarte aux pommes du carnet de ma grand-mère",
            "la sauce tomate toute simple", "la potée du dimanche", "la blanquette de veau",
            "la galette de sarrasin", "la confiture de prunes", "la ratatouille",
            "la quiche aux poireaux", "la soupe de potiron au gingembre",
        ),
        "activity": (
            "cuisiner à la maison", "faire du pain maison le week-end", "cuisiner les restes",
            "nourrir une grande famille", "mettre des fruits en bocaux", "tester de nouvelles épices",
        ),
        "thing": ("cuillères en bois", "poêles en fonte", "vieilles fiches de recettes", "bocaux en verre", "saladiers"),
        "place": (
            "dans la cuisine", "au marché", "dans la cuisine de ma grand-mère",
            "sur le plan de travail près de la fenêtre", "dans la minuscule cuisine de notre appartement",
            "à la boulangerie du village",
        ),
        # Said of "un dîner": masculine singular.
        "adj": ("réconfortant", "simple", "parfumé", "copieux", "léger", "rustique", "généreux", "épicé"),
        "ingredient": (
            "l'ail", "le thym frais", "le beurre noisette", "le paprika fumé", "l'oignon rouge",
            "le zeste de citron", "le cumin", "la fleur de sel", "le poivre noir", "le persil haché",
            "le gingembre râpé", "le piment séché",
        ),
        "spice": (
            "cumin", "paprika fumé", "poivre noir", "muscade", "cannelle", "fleur de sel",
            "piment d'Espelette", "gingembre en poudre", "curcuma", "sel fumé",
        ),
        "vegetable": (
            "carottes", "poireaux", "pommes de terre", "courgettes", "navets", "poivrons",
            "betteraves", "haricots verts", "panais", "champignons",
        ),
        "minutes": ("dix", "quinze", "vingt", "vingt-cinq", "trente", "quarante"),
        "temperature": ("160", "180", "190", "200", "220"),
    },
    sentences=(
        "[Commencez par couper les {vegetable} en petits morceaux, puis faites chauffer|Coupez d'abord les {vegetable} en fines lamelles et faites chauffer|Taillez les {vegetable} en gros dés, puis versez] un filet d'huile dans une [cocotte en fonte|grande casserole|poêle à bord haut].",
        "Après [environ|à peu près|tout au plus] {minutes} minutes, ajoutez {ingredient} et remuez jusqu'à ce que [toute la cuisine|tout l'appartement|même la cage d'escalier] sente [bon|le dimanche].",
        "{person} [répète toujours|m'a expliqué un jour|ne cesse de dire] qu'il faut mettre {ingredient} [tout à la fin|au dernier moment], et [après bien des essais|avec le recul|aujourd'hui], je [lui donne raison|suis bien d'accord].",
        "Le four doit être préchauffé à {temperature} degrés avant d'enfourner le plat, [sinon|faute de quoi] le fond reste [pâle et mou|humide].",
        "Si vous ne trouvez pas de {vegetable} au marché, [remplacez-les par des {vegetable2}|prenez plutôt des {vegetable2}] : [c'est tout aussi bon|le résultat est presque le même] et [souvent moins cher|cela coûte un peu moins].",
        "Une pincée de {spice} [change le goût|transforme le plat] bien plus qu'on ne l'imaginerait pour une quantité aussi [petite|infime].",
        "Les restes se gardent [trois|quatre|cinq] jours au réfrigérateur, et [c'est encore meilleur|le goût est encore plus profond] le [deuxième|lendemain] soir.",
        "Mon premier essai était [beaucoup trop salé|brûlé sur les bords|fade et aqueux], alors maintenant j'ajoute {ingredient} [petit à petit|avec prudence] et je goûte à chaque [cuillerée|étape].",
        "Servez [bien chaud|tiède|à température ambiante] avec [une tranche de pain de campagne|du riz blanc|une salade verte], et [parsemez le dessus de {spice}|ajoutez une pincée de {spice} au dernier moment].",
        "[Nos|Mes] {thing} [viennent d'une brocante à {town}|datent de notre mariage|ont appartenu à ma mère], et [rien de ce qu'on trouve en magasin ne vaut mieux|je ne m'en séparerais pour rien au monde].",
        "J'ai raté {subject} [trois fois|plusieurs fois] avant de comprendre qu'il fallait [baisser le feu|prendre son temps|saler beaucoup moins].",
    ),
)

TRAVEL = Topic(
    label="Voyages",
    titles=(
        "{count} jours à {destination} sans voiture",
        "Un voyage lent jusqu'à {destination}",
        "Pourquoi j'aime {activity}",
        "Rejoindre {destination} {transport}",
        "{destination} en {month} : petit carnet de route",
    ),
    slots={
        "subject": (
            "la traversée en ferry vers l'île", "la semaine à la montagne", "la vieille ville",
            "la balade le long du fleuve", "la petite pension près de la cathédrale", "la route des crêtes",
            "la ligne de nuit vers la côte", "la visite de la capitale",
        ),
        "activity": (
            "voyager en train", "marcher sur les sentiers de grande randonnée", "découvrir les petites villes",
            "partir avec un budget serré", "voyager avec un simple sac à dos", "partir hors saison",
        ),
        "thing": ("cartes en papier", "billets de train", "cartes postales", "chaussures de marche", "guides de voyage", "vestes de pluie"),
        "place": (
            "à la gare centrale", "sur le quai", "dans un café du port", "sur le pont supérieur du ferry",
            "dans la cuisine de l'auberge de jeunesse", "en haut du vieux phare",
        ),
        # Said of "les ruelles": feminine plural.
        "street_adj": ("calmes", "étroites", "pentues", "colorées", "paisibles", "animées", "tortueuses", "ombragées"),
        "destination": (
            "Lisbonne", "Cracovie", "Séville", "Porto", "Ljubljana", "Trieste", "Gdansk",
            "Bergen", "Tallinn", "Naples",
        ),
        "transport": (
            "dans le premier bus", "en train régional", "à vélo de location", "sur le dernier ferry",
            "en taxi collectif", "en car de nuit",
        ),
        "hours": ("deux", "trois", "quatre", "cinq", "six", "huit"),
        "price": ("12 €", "25 €", "8,50 €", "40 €", "18 €", "30 €"),
    },
    sentences=(
        "Nous sommes arrivés à {destination} après {hours} heures {transport}, [fatigués mais contents|courbatus et affamés mais heureux] de [nous dégourdir enfin les jambes|marcher un peu].",
        "La solution la moins chère était de partir {transport} : {price} par personne, [avec un départ avant l'aube|mais presque toute la journée de route].",
        "[Les habitants nous ont conseillé|La boulangère nous a conseillé|Notre hôte nous a conseillé] de laisser de côté la place [célèbre|principale] et de flâner plutôt dans les ruelles {street_adj} derrière le marché.",
        "Notre chambre avait [un petit balcon|une fenêtre étroite] qui donnait sur les toits, et [le matin|au crépuscule] nous entendions [les cloches de l'église|les mouettes|le tramway] en contrebas.",
        "Si vous allez à {destination} en {month}, emportez [un pull chaud|une petite laine], car les soirées [fraîchissent|deviennent froides] [très vite|sans prévenir].",
        "Le deuxième jour, nous avons laissé les {thing} [à l'hôtel|dans la chambre] et nous avons simplement suivi [le fleuve|la côte|l'ancienne ligne de tramway] [sans but précis|jusqu'au soir].",
        "L'entrée [du musée|de la vieille forteresse|du jardin botanique] coûte {price}, et [la vue à elle seule vaut le détour|nous ne l'avons pas regretté une seconde].",
        "Le retour {transport} m'a laissé le temps de [noter|dessiner] tout ce que nous avions vu [avant que les souvenirs ne s'effacent|pendant que c'était encore frais].",
        "[Personne|Pas une seule personne] [sur le quai|dans la file d'attente] ne [savait|pouvait nous dire] pourquoi le train avait du retard, mais [personne ne se plaignait|tout le monde partageait ses provisions].",
        "{person} avait [entouré|marqué] sur la carte un [petit|modeste] restaurant familial, et nous y avons fait le meilleur repas du voyage.",
        "Pour moi, {subject} reste le [plus beau souvenir|moment le plus fort] de tout le séjour.",
    ),
)

GARDENING = Topic(
    label="Jardin",
    titles=(
        "Faire pousser des {plant} {place}",
        "Une année avec {subject}",
        "Comment nous avons tenu les {pest} à distance cet été",
        "{count} erreurs que j'ai faites avec les {plant}",
        "Le jardin en {month} : ce que j'ai appris",
    ),
    slots={
        "subject": (
            "la parcelle du jardin ouvrier", "la planche de légumes", "la bordure d'aromatiques près de la porte",
            "la rangée de haricots grimpants", "la vieille haie de noisetiers", "la serre à tomates",
            "la prairie fleurie au fond du jardin", "la butte de culture",
        ),
        "activity": (
            "jardiner sur une terre argileuse", "faire pousser des légumes à partir de graines",
            "soigner les arbres fruitiers", "faire du compost maison", "jardiner sans produits chimiques",
            "garder des graines d'une année sur l'autre",
        ),
        "thing": ("plaques de semis", "gants de jardinage", "arrosoirs", "sécateurs", "tuteurs en bois"),
        "place": (
            "au jardin", "au jardin partagé", "dans la serre", "le long de la clôture sud",
            "derrière la cabane", "à l'ombre de la haie",
        ),
        # Said of "le coin": masculine singular.
        "corner_adj": ("ombragé", "humide", "venteux", "sec", "abrité", "ensoleillé", "argileux", "oublié"),
        "plant": (
            "tomates", "haricots grimpants", "laitues", "courgettes", "fraises", "petits pois",
            "pois de senteur", "radis", "tournesols", "fèves",
        ),
        "pest": ("limaces", "pucerons", "escargots", "chenilles", "pigeons", "lapins"),
        "weeks": ("deux", "trois", "quatre", "six", "huit"),
    },
    sentences=(
        "J'ai semé les {plant} début {month} dans [de petits pots|des plaques de semis|de vieux pots de yaourt], et le repiquage a eu lieu {weeks} semaines plus tard.",
        "Les {pest} ont trouvé les jeunes feuilles en [quelques jours|moins d'une semaine], alors je protège désormais chaque planche avec un filet fin.",
        "Une bonne couche de [compost|terreau de feuilles|fumier bien décomposé] à l'automne fait plus de bien au sol que n'importe quel [produit|flacon] de la jardinerie.",
        "{person}, [du jardin voisin|de la maison d'en face], m'a donné [un sac|une caissette] de jeunes plants de {plant}, et ils ont bien mieux poussé que les miens.",
        "Mieux vaut arroser [le matin|aux premières heures] plutôt que [le soir|la nuit], car les feuilles [humides|mouillées] pendant la nuit attirent les {pest} et la moisissure.",
        "Cette année, les {plant} ont souffert dans le coin {corner_adj}, tandis que les {plant2} juste à côté [ont poussé à merveille|ont donné une récolte superbe].",
        "Chaque {weekday}, je passe [une heure|un moment] à désherber, et c'est devenu le moment le plus [calme|paisible] de ma semaine.",
        "Nous rangeons les {thing} dans la cabane, assez sèche pour que rien ne [rouille|pourrisse] pendant l'hiver.",
        "[Mon voisin|Un vieux jardinier|{person}] conseille de planter les {plant} à côté des {plant2}, et [la récolte lui donne raison jusqu'ici|les résultats semblent lui donner raison].",
        "Fin {month}, les planches débordaient de {plant}, et nous en avons donné des [sacs|paniers] entiers à nos amis.",
    ),
)

BICYCLE = Topic(
    label="Vélo",
    titles=(
        "Réparer {part} soi-même : mode d'emploi",
        "Guide du débutant pour {activity}",
        "Comment j'ai redonné vie à {subject}",
        "Les outils vraiment utiles pour {activity}",
        "Notes d'atelier à {town}",
    ),
    slots={
        "subject": (
            "la vieille bicyclette en acier", "la bicyclette rouillée du grenier", "la roue arrière",
            "la course d'occasion achetée en ligne", "la première bicyclette de ma fille", "la transmission",
            "la fourche avant", "la randonneuse de mon père",
        ),
        "activity": (
            "réparer des vélos", "bichonner un vieux vélo", "pédaler jusqu'au bureau tous les jours",
            "monter un vélo avec des pièces de récupération", "réparer une crevaison au bord de la route",
            "régler les vitesses d'un vélo",
        ),
        "thing": ("démonte-pneus", "chambres à air de rechange", "clés Allen", "patins de frein", "colliers de serrage"),
        "place": (
            "à l'atelier", "dans l'entrée", "à l'atelier vélo associatif", "sur le balcon",
            "au garage", "au bord de la route",
        ),
        # Said of "le vélo": masculine singular.
        "bike_adj": ("dur", "bruyant", "mou", "lourd", "capricieux", "paresseux", "grinçant", "instable"),
        "part": (
            "la chaîne", "le câble de frein", "le pneu avant", "la selle", "les pédales",
            "le jeu de direction", "le guidon", "le câble de dérailleur", "les rayons",
        ),
        "tool": (
            "une clé de 15", "un dérive-chaîne", "une pompe avec manomètre", "un jeu de clés Allen",
            "une clé à cônes", "deux démonte-pneus",
        ),
    },
    sentences=(
        "Avant de toucher à quoi que ce soit, nettoyez {part} avec un chiffon, car la saleté [cache|masque] la plupart des vrais problèmes.",
        "Pour [démonter|régler|remplacer] {part}, il suffit d'avoir {tool} et un peu de patience.",
        "Quand le vélo [semble|paraît] {bike_adj}, la cause est [souvent|le plus souvent] un câble usé plutôt qu'une pièce cassée.",
        "{person}, à l'atelier associatif, m'a montré comment [dévoiler une roue|centrer un frein] en [retendant un rayon à la fois|tournant une minuscule vis].",
        "J'ai remplacé {part} pour moins [que le prix d'une place de cinéma|qu'une pizza|de {count} euros], et depuis, le vélo [roule parfaitement|ne m'a plus jamais trahi].",
        "Vérifiez la pression des pneus chaque {weekday} : des pneus sous-gonflés rendent la route [pénible|lente] et [abîment|usent] les jantes.",
        "Une goutte [d'huile|de cire|de lubrifiant] sur chaque maillon, essuyée au bout [d'une minute|d'un instant], garde la chaîne [silencieuse|propre] pendant [des semaines|un mois entier].",
        "Après {duration} de travail, {subject} était de nouveau prête pour [le trajet jusqu'au bureau|la route du marché].",
        "[La première fois|Il y a des années|Un jour], j'ai oublié de serrer {part}, et [dans la première côte|dès la première montée] j'ai compris pourquoi c'est si important.",
        "Dans la petite sacoche sous la selle, je garde toujours {tool} et quelques {thing}, [au cas où|pour les urgences].",
    ),
)

ASTRONOMY = Topic(
    label="Ciel",
    titles=(
        "Trouver {object} en {month}",
        "Une nuit {place}",
        "{activity} : guide pour grands débutants",
        "Enfin vue : {subject}",
        "{constellation} au-dessus de {town}",
    ),
    slots={
        "subject": (
            "la galaxie d'Andromède", "la nébuleuse d'Orion", "la pluie d'étoiles filantes des Perséides",
            "la conjonction de Vénus et de Jupiter", "la dernière éclipse de lune", "la comète de l'hiver",
            "la Voie lactée en été", "la lune rousse",
        ),
        "activity": (
            "regarder le ciel la nuit", "suivre les planètes avec une petite lunette", "photographier la Lune",
            "reconnaître les constellations", "scruter le ciel depuis le jardin", "compter les étoiles filantes",
        ),
        "thing": ("cartes du ciel", "jumelles", "lampes rouges", "chaises pliantes", "couvertures chaudes"),
        "place": (
            "sur la colline derrière le village", "au fond du jardin", "à l'observatoire",
            "sur une plage sans lumière", "dans un champ loin des lumières de la ville", "sur la terrasse du toit",
        ),
        # Said of "une nuit": feminine singular.
        "night_adj": ("claire", "noire", "froide", "calme", "limpide", "glaciale", "sans lune", "étoilée"),
        "object": ("Jupiter", "Saturne", "Vénus", "Mars", "Sirius", "Véga", "Capella", "Bételgeuse"),
        "constellation": (
            "Cassiopée", "Persée", "Pégase", "la Lyre", "le Cygne", "le Lion", "le Taureau", "la Grande Ourse",
        ),
    },
    sentences=(
        "Par une nuit {night_adj}, {object} se repère [facilement|sans peine], même depuis la périphérie d'une ville.",
        "Avec de [simples|petites|vieilles] jumelles, [on distingue quatre lunes de Jupiter alignées comme de minuscules perles|on voit sans difficulté les phases de Vénus|{person} a pu distinguer les cratères de la Lune].",
        "Laissez vos yeux s'habituer à l'obscurité pendant [au moins vingt minutes|une bonne demi-heure|un bon quart d'heure] avant de chercher {object}.",
        "Nous avons installé le télescope {place} et attendu que {constellation} se lève au-dessus des [arbres|toits].",
        "{person} tient un [carnet|journal|cahier] de chaque [observation|nuit passée dehors], avec [la date|l'heure], le matériel utilisé et [l'état du ciel|la transparence de l'air].",
        "En {month}, le meilleur moment est [peu après minuit|juste avant l'aube], quand {constellation} [brille|se trouve] bien au-dessus de l'horizon [sud|est].",
        "La lueur [pâle|douce] de {object} a surpris tous ceux qui regardaient dans l'oculaire pour la première fois.",
        "Un téléphone tenu contre l'oculaire peut capturer {object}, même si les photos sont [rarement nettes|un peu floues].",
        "[Les nuages sont arrivés|Une brume légère s'est levée|Le vent s'est levé] peu après dix heures, alors nous avons rangé les {thing} et [nous avons réessayé|nous sommes revenus] le lendemain soir.",
        "[La pollution lumineuse|L'éclairage public] de {town} cache [la plupart|une bonne partie] des étoiles faibles, alors nous roulons [vingt minutes|un peu] jusqu'à des champs plus sombres.",
    ),
)

TOWN_HISTORY = Topic(
    label="Histoire locale",
    titles=(
        "L'histoire de {subject} à {town}",
        "{town} en {year} : une ville de {trade}",
        "Comment {event} a transformé {town}",
        "Promenade dans le vieux {town}",
        "Ce que disent les archives sur {subject}",
    ),
    slots={
        "subject": (
            "la vieille halle", "la tour de l'horloge", "la filature", "la gare",
            "la porte fortifiée", "la petite école", "la chapelle Saint-Roch", "la fontaine du marché",
        ),
        "activity": (
            "fouiller les archives de la ville", "reconstituer l'histoire des vieilles familles",
            "collectionner les vieilles cartes postales", "recueillir les souvenirs des anciens",
            "retrouver les rues oubliées sur les vieux plans", "lire tout ce qui concerne l'histoire locale",
        ),
        "thing": ("photographies anciennes", "registres paroissiaux", "lettres jaunies", "délibérations du conseil", "plans dessinés à la main"),
        "place": (
            "aux archives municipales", "au musée local", "dans la salle de lecture de la bibliothèque",
            "sur la place du marché", "dans le clocher", "le long du vieux canal",
        ),
        # Said of "une ville": feminine singular.
        "adj": ("prospère", "modeste", "animée", "paisible", "pauvre", "fière", "active", "industrieuse"),
        "year": ("1642", "1785", "1812", "1848", "1871", "1903", "1926", "1954"),
        "trade": ("tisserands", "brasseurs", "pêcheurs", "forgerons", "meuniers", "cordiers", "potiers"),
        "event": (
            "le grand incendie", "la grande crue", "l'arrivée du chemin de fer", "la grande épidémie de fièvre",
            "la fermeture du moulin", "la visite du roi",
        ),
    },
    sentences=(
        "En {year}, {town} était une ville {adj} de {trade}, et leurs noms figurent encore sur [de nombreuses|plusieurs] plaques de rue.",
        "Les registres mentionnent {event} en {year}, après quoi [la moitié|un tiers] des maisons ont dû être reconstruites.",
        "{person} a passé {duration} {place} à dépouiller des {thing} : personne n'y avait touché depuis des décennies.",
        "Beaucoup de familles vivaient du travail des {trade} jusqu'à ce que {event} [change tout|bouleverse leur vie].",
        "Les fondations de {subject} sont plus anciennes que [la plupart des habitants|beaucoup de gens] à {town} ne l'imaginent.",
        "Un plan de {year} montre des [champs|vergers|marais] là où se trouvent aujourd'hui le supermarché et le parking.",
        "Les anciens se souviennent encore [de l'époque où|du temps où] [toute la ville|la vie quotidienne] tournait autour de {subject}.",
        "D'après [les délibérations du conseil|un vieux journal|les {thing}], [la première école a ouvert en {year} avec seulement {count} élèves|le premier hôpital a ouvert en {year} avec seulement {count} lits].",
        "[Une pierre au-dessus de la porte|Une inscription sur le mur|Une plaque usée] rappelle encore [le nom|la générosité] des {trade} qui ont financé {subject}.",
        "[Peu de visiteurs remarquent|Rares sont les visiteurs qui remarquent] [la ruelle étroite|la vieille porte|la petite chapelle] derrière la mairie, et pourtant elle raconte la moitié de l'histoire de {town}.",
    ),
)

GENERIC_SENTENCES = (
    "J'ai commencé à {activity} le jour où {companion} m'a montré les bases, {weather}.",
    "En {month}, {person} et moi avons passé {duration} {place}, et nous sommes rentrés {feeling}.",
    "[Personne dans ma famille|Aucun de mes amis] n'avait la patience de {activity}, alors j'ai appris [l'essentiel|les bases] dans [les livres|de vieux magazines] et à force d'erreurs.",
    "Si vous voulez vous mettre à {activity}, commencez [petit|doucement] et notez [dans un carnet|au fur et à mesure] ce qui [marche|fonctionne].",
    "Nous avons acheté nos {thing} [il y a des années|lors de notre installation|à {town}], et nous nous en servons toujours, ce qui en dit long sur [la qualité|l'entretien].",
    "Il a plu presque tout le {weekday}, mais le soir, le ciel au-dessus de {town} [s'est dégagé|a pris des teintes roses].",
    "{person} a [ri|souri] quand j'ai [avoué|reconnu] combien [de temps|d'essais] il m'avait fallu pour réussir {subject}.",
    "Il n'existe pas [de méthode|de manière] [unique|parfaite], et [ceux qui prétendent le contraire n'en ont sans doute pas essayé beaucoup|quiconque affirme le contraire n'a probablement pas beaucoup comparé].",
    "À {town}, on [fait ainsi|procède de cette façon] depuis des générations, et chaque famille a ses [petits secrets|propres habitudes].",
    "Si je continue à {activity}, c'est parce que cela m'oblige à ralentir et à [faire attention|bien observer].",
    "Fin {month}, j'avais rempli la moitié d'un carnet de [croquis|listes], de [questions|prix] et de [projets|doutes].",
    "Mon conseil est [simple|toujours le même] : soyez [patient|curieux], demandez de l'aide à {companion} et n'achetez pas [tout|tous les gadgets] [d'un coup|dès le premier mois].",
    "{weather}, on a envie de rester {place} jusqu'au [soir|dîner].",
    "Quand {companion} m'a demandé [récemment|l'autre jour] ce qui me plaisait le plus dans le fait de {activity}, je n'ai pas su donner de réponse [courte|simple].",
    "Certains des meilleurs conseils m'ont été donnés par {person}, qui [continue de|n'a jamais cessé de] {activity} depuis plus de {count} ans.",
    "Si [quelque chose n'est pas clair|un point vous paraît obscur] dans cet article, [laissez une question en commentaire|écrivez-moi], et je [tâcherai d'y répondre|répondrai d'ici {weekday}].",
)

BOILERPLATE = Boilerplate(
    nav=("Accueil", "Articles", "À propos", "Contact", "Archives", "Newsletter", "Agenda", "Boutique"),
    taglines=(
        "Petites histoires d'une petite ville", "Notes, guides et avis sincères",
        "Écrit lentement, à lire avec un thé", "Un carnet hebdomadaire depuis 2009",
        "Des idées pratiques pour tous les jours",
    ),
    cookie_notices=(
        "Nous utilisons des cookies pour améliorer votre expérience et vous proposer des contenus personnalisés. En poursuivant votre navigation, vous acceptez leur utilisation.",
        "Ce site utilise des cookies à des fins de statistiques et de publicité. Vous pouvez modifier vos préférences à tout moment dans les paramètres des cookies.",
    ),
    cookie_accept="Tout accepter",
    cookie_settings="Paramètres des cookies",
    ad_label="Publicité",
    ads=(
        "Jusqu'à 30 % de réduction sur le mobilier de jardin, ce week-end seulement. Livraison gratuite dès 50 €.",
        "Comparez les prix de l'énergie et changez de fournisseur en cinq minutes.",
        "Nouvelle saison, nouvelles chaussures : découvrez dès maintenant la collection de printemps.",
        "Réservez vos vacances d'été aujourd'hui et ne payez qu'un petit acompte.",
        "La fibre pour toute la famille à partir de 19,99 € par mois.",
    ),
    related_headings=("Articles similaires", "Vous aimerez aussi", "Les plus lus cette semaine", "Dans la même rubrique"),
    comments_heading="{n} commentaires",
    comments=(
        "Super article, merci pour le partage !", "J'ai essayé le week-end dernier et ça a parfaitement marché.",
        "Pourriez-vous détailler un peu la deuxième étape ?", "Très belles photos, comme toujours.",
        "Ça me rappelle tellement de souvenirs.", "Merci, je le garde dans mes favoris.",
        "Je ne suis pas d'accord sur les prix, mais sinon très bon article.",
        "Premier commentaire ! Continuez comme ça.",
    ),
    leave_comment="Laisser un commentaire",
    post_comment="Publier le commentaire",
    rights="© {year} {site}. Tous droits réservés.",
    footer_links=(
        "Politique de confidentialité", "Conditions d'utilisation", "Mentions légales", "Contact",
        "Annoncer chez nous", "Plan du site",
    ),
    byline="Publié le {date} par {author}",
    read_more="Lire la suite",
    newsletter="Nos meilleurs articles, une fois par semaine.",
    email_placeholder="Votre adresse e-mail",
    subscribe="S'abonner",
    search="Rechercher",
    share="Partager cet article",
    not_found_title="Page introuvable",
    not_found_text="Désolé, la page que vous cherchez n'existe pas ou a été déplacée.",
    server_error_title="Erreur interne du serveur",
    server_error_text="Un problème est survenu de notre côté. Veuillez réessayer plus tard.",
    moved_text="Cette page a été déplacée de façon permanente.",
    date_pattern="{day} {month} {year}",
    date_months=COMMON_SLOTS["month"],
)

LOW_QUALITY = LowQuality(
    salad_words=(
        "promo", "crédit", "réduction", "assurance", "télécharger", "gratuit", "meilleur", "prix",
        "hôtel", "immobilier", "avocat", "offre", "logiciel", "sonnerie", "chaussures", "montre",
        "réplique", "bonus", "rapide", "avis", "livraison", "coupon", "garanti", "régime", "minceur",
        "pilules", "crypto", "portefeuille", "connexion", "mobile", "tablette", "portable", "batterie",
        "chargeur", "premium", "soldes", "casino", "voyance", "rachat", "comparateur", "déstockage",
    ),
    repeated_lines=(
        "Cliquez ici pour réclamer votre cadeau gratuit !",
        "Meilleurs prix garantis sur tous les produits.",
        "Offre limitée, aujourd'hui seulement.",
        "Abonnez-vous pour profiter de plus de bonnes affaires.",
    ),
    too_short=(
        "Cette page est en construction. Revenez plus tard.",
        "Bientôt disponible !",
        "Pas encore de contenu.",
        "Merci de votre visite.",
    ),
    link_list_heading="Liens utiles",
)

CORPUS = LanguageCorpus(
    code="fr",
    spaced=True,
    html_lang="fr",
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
        ("carnet", "Le Carnet"), ("gazette", "La Gazette"), ("journal", "Le Journal"), ("cahier", "Le Cahier"),
        ("almanach", "L'Almanach"), ("atelier", "L'Atelier"), ("courrier", "Le Courrier"), ("echo", "L'Écho"),
        ("coin", "Le Coin"), ("chronique", "La Chronique"), ("table", "La Table"), ("sentier", "Le Sentier"),
    ),
    site_suffixes=(
        ("dudimanche", "du dimanche"), ("despres", "des prés"), ("dunord", "du Nord"),
        ("delariviere", "de la rivière"), ("duvillage", "du village"), ("descollines", "des collines"),
        ("duvieuxmoulin", "du vieux moulin"), ("desquatresaisons", "des quatre saisons"), ("dubourg", "du bourg"),
        ("duverger", "du verger"), ("delaplace", "de la place"), ("dupotager", "du potager"),
    ),
    site_name_joiner=" ",
    tlds=("fr", "be", "ch", "fr"),
    substitutes=(
        "petit", "lourd", "soigneux", "précoce", "simple", "local", "étroit", "doux",
        "modeste", "régulier", "honnête", "patient", "ordinaire", "agréable",
    ),
    stop_words=("le", "la", "les", "de", "et", "à", "que", "des", "du", "un", "une", "est", "avec"),
    legacy_charsets=("windows-1252",),
)
