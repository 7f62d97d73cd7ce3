"""Spanish: sentence templates and vocabularies written for the sample crawl.

Spanish contracts ``de el`` -> ``del`` and ``a el`` -> ``al`` and makes adjectives
agree in gender, so the slots are shaped to fit any template that uses them:

* ``subject`` values are feminine singular noun phrases beginning with ``la``,
  so ``de {subject}`` and ``a {subject}`` stay correct;
* ``thing``, ``vegetable``, ``plant``, ``pest`` and ``part`` carry their own
  plural (or, for ``part``, any) article and are never put after ``de`` or ``a``
  unless the article is plural, which never contracts;
* ``activity`` values are infinitive phrases; adjective slots are written for
  the one noun their templates put them with. The blog speaks to its reader
  with ``tú`` throughout.
"""

from thresher.tools.sample.corpus.model import Boilerplate, LanguageCorpus, LowQuality, Topic

COMMON_SLOTS = {
    "person": (
        "Ana", "Tomás", "Lucía", "Javier", "Carmen", "Diego", "Elena", "Manuel",
        "Isabel", "Pablo", "Rosa", "Andrés", "Marta", "Jorge", "Pilar", "Raúl",
    ),
    "town": (
        "Villanueva del Prado", "Peñaflor de Arriba", "Castrillo del Río", "Santa Olalla de la Sierra",
        "Fuentealba", "Robledillo", "Torremolar", "Campohermoso", "Aldeaseca", "Valdelagua",
        "San Ginés del Campo", "Navalosa",
    ),
    "month": (
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
        "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ),
    "weekday": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "duration": (
        "dos horas", "toda la tarde", "tres largas tardes", "unos cuarenta minutos",
        "un fin de semana entero", "media jornada", "casi una semana", "hora y media",
    ),
    "weather": (
        "en una mañana gris y ventosa", "en una tarde despejada y fría", "en una noche templada y sin viento",
        "en un sábado lluvioso", "en un día de niebla a finales de otoño", "en una noche clara después de la lluvia",
        "en un día bochornoso de agosto", "en un domingo de helada",
    ),
    "companion": (
        "mi vecino", "una vieja amiga del colegio", "mi hermano pequeño", "una compañera de trabajo",
        "mi abuela", "mi hija", "un maestro jubilado del barrio", "mi tío",
    ),
    # Always said of "nosotros": masculine plural.
    "feeling": (
        "sorprendidos", "aliviados", "un poco nerviosos", "orgullosos", "cansados pero felices",
        "llenos de curiosidad", "impacientes", "extrañamente tranquilos",
    ),
    "count": ("tres", "cuatro", "cinco", "seis", "siete", "doce", "veinte", "quince"),
}

COOKING = Topic(
    label="Cocina",
    titles=(
        "Cómo preparo {subject} un {weekday} con prisas",
        "{count} cosas que aprendí al {activity}",
        "Desde mi cocina: {subject} con {ingredient}",
        "Por qué ya nunca cocino sin {ingredient}",
        "Una cena {adj} en pleno {month}",
    ),
    slots={
        "subject": (
            "la sopa de lentejas", "la tarta de manzana del cuaderno de mi abuela", "la salsa de tomate más sencilla",
            "la comida del domingo", "la tortilla de patatas", "la crema de calabaza con jengibre",
            "la mermelada de ciruela", "la empanada gallega", "la paella de verduras", "la fabada",
        ),
        "activity": (
            "cocinar en casa", "hacer pan los fines de semana", "aprovechar las sobras",
            "cocinar para una familia numerosa", "preparar conservas de fruta", "probar especias nuevas",
        ),
        "thing": (
            "las cucharas de madera", "las sartenes de hierro", "las viejas fichas de recetas",
            "los tarros de cristal", "los cuencos de barro",
        ),
        "place": (
            "en la cocina", "en el mercado", "en la cocina de mi abuela", "en la encimera junto a la ventana",
            "en la diminuta cocina de nuestro piso", "en la panadería del pueblo",
        ),
        # Said of "una cena": feminine singular.
        "adj": ("reconfortante", "sencilla", "sabrosa", "contundente", "ligera", "casera", "aromática", "humilde"),
        "ingredient": (
            "ajo", "tomillo fresco", "pimentón de la Vera", "cebolla morada", "ralladura de limón", "comino",
            "sal marina", "pimienta negra", "perejil picado", "jengibre rallado", "guindilla seca", "nuez moscada",
        ),
        "vegetable": (
            "las zanahorias", "los puerros", "las patatas", "los calabacines", "las espinacas",
            "los pimientos", "las judías verdes", "las remolachas", "los champiñones", "las acelgas",
        ),
        "minutes": ("diez", "quince", "veinte", "veinticinco", "treinta", "cuarenta"),
        "temperature": ("160", "180", "190", "200", "220"),
    },
    sentences=(
        "[Empieza cortando|Primero corta] {vegetable} en [trozos pequeños|tiras finas|dados grandes] y [calienta|pon a calentar] un chorro de aceite en una [cazuela|olla grande|sartén honda].",
        "Pasados [unos|más o menos] {minutes} minutos, añade un poco de {ingredient} y remueve hasta que [toda la cocina|toda la casa|el rellano entero] huela de maravilla.",
        "{person} [siempre dice|me explicó una vez|repite a menudo] que hay que añadir {ingredient} [al final|en el último momento], y [después de muchos intentos|con el tiempo] [le doy la razón|estoy de acuerdo].",
        "El horno [debe estar|tiene que estar] a {temperature} grados antes de meter la bandeja; [si no|de lo contrario], la base queda [pálida y blanda|húmeda].",
        "Si {vegetable} [no tienen buena pinta|están carísimos] en el mercado, [{vegetable2} funcionan igual de bien|se pueden sustituir por {vegetable2}] [y el plato sale más barato|y el resultado es casi el mismo].",
        "Una pizca de {ingredient} [cambia el sabor|transforma el plato] mucho más de lo que cabría esperar de una cantidad tan [pequeña|mínima].",
        "Las sobras aguantan [tres|cuatro|cinco] días en la nevera y [saben todavía mejor|tienen más sabor] [al día siguiente|la segunda noche].",
        "Mi primer intento quedó [demasiado salado|quemado por los bordes|aguado y soso], así que ahora añado {ingredient} [poco a poco|con cuidado] y pruebo después de cada [cucharada|paso].",
        "Sírvelo [bien caliente|templado|a temperatura ambiente] con [una rebanada de pan de pueblo|arroz blanco|una ensalada verde] y un poco de {ingredient2} por encima.",
        "{thing} [vinieron de un mercadillo de {town}|fueron un regalo de boda|eran de mi madre], y [siguen cumpliendo su función|ningún utensilio nuevo está a su altura].",
        "{subject} me salió mal [tres veces|varias veces] antes de entender que había que [bajar el fuego|tener paciencia|echar mucha menos sal].",
    ),
)

TRAVEL = Topic(
    label="Viajes",
    titles=(
        "{count} días en {destination} sin coche",
        "Un viaje lento hasta {destination}",
        "Lo que aprendí al {activity}",
        "Llegar a {destination} {transport}",
        "{destination} en {month}: un pequeño diario",
    ),
    slots={
        "subject": (
            "la travesía en ferri hasta la isla", "la semana en la montaña", "la parte vieja de la ciudad",
            "la ruta a pie junto al río", "la pequeña pensión junto a la catedral", "la senda de la costa",
            "la escapada a la capital", "la noche en el tren hacia la costa",
        ),
        "activity": (
            "viajar en tren", "recorrer senderos de gran recorrido", "descubrir pueblos pequeños",
            "viajar con poco presupuesto", "viajar solo con una mochila", "viajar fuera de temporada",
        ),
        "thing": (
            "los mapas de papel", "los billetes de tren", "las postales", "las botas de montaña",
            "las guías de viaje", "los chubasqueros",
        ),
        "place": (
            "en la estación central", "en el andén", "en un café junto al puerto",
            "en la cubierta superior del ferri", "en la cocina del albergue", "en lo alto del viejo faro",
        ),
        # Said of "las callejuelas": feminine plural.
        "street_adj": ("tranquilas", "estrechas", "empinadas", "coloridas", "silenciosas", "animadas", "sinuosas", "sombreadas"),
        "destination": (
            "Lisboa", "Cracovia", "Sevilla", "Oporto", "Liubliana", "Trieste", "Gdansk",
            "Bergen", "Tallin", "Nápoles",
        ),
        "transport": (
            "en el primer autobús", "en un tren regional", "en una bicicleta de alquiler", "en el último ferri",
            "en un taxi compartido", "en un autocar nocturno",
        ),
        "hours": ("dos", "tres", "cuatro", "cinco", "seis", "ocho"),
        "price": ("12 €", "25 €", "8,50 €", "40 €", "18 €", "30 €"),
    },
    sentences=(
        "Llegamos a {destination} después de {hours} horas {transport}, [cansados pero contentos|entumecidos y hambrientos, pero felices] de poder estirar por fin las piernas.",
        "La opción más barata era ir {transport}: {price} por persona, [con salida antes del amanecer|aunque se tardaba casi todo el día].",
        "[Los vecinos nos aconsejaron|La mujer de la panadería nos aconsejó|Nuestra anfitriona nos aconsejó] [saltarnos|evitar] la plaza más famosa y pasear en cambio por las callejuelas {street_adj} que hay detrás del mercado.",
        "Nuestra habitación tenía [un balcón estrecho|una ventana pequeña] sobre los tejados, y [por la mañana|al anochecer] oíamos [las campanas de la iglesia|las gaviotas|el tranvía] allá abajo.",
        "Si vas a {destination} en {month}, lleva una prenda de abrigo, porque las noches se vuelven [frías|frescas] [muy deprisa|sin avisar].",
        "El segundo día dejamos {thing} [en el hotel|en la habitación] y seguimos sin más [el río|la costa|la antigua línea del tranvía] [sin rumbo fijo|hasta que se hizo de noche].",
        "La entrada [al museo|a la vieja fortaleza|al jardín botánico] cuesta {price}, y [solo las vistas ya merecen la pena|no nos arrepentimos en absoluto].",
        "El viaje de vuelta {transport} me dio tiempo para [apuntar|dibujar] todo lo que habíamos visto [antes de que se me olvidara|mientras lo tenía fresco].",
        "[Nadie|Ni una sola persona] [en el andén|en la cola] [sabía|supo decirnos] por qué el tren llevaba retraso, pero [nadie se quejó|todo el mundo compartió su merienda].",
        "{person} había [marcado|rodeado] en el mapa un restaurante [pequeño|familiar], y allí comimos lo mejor de todo el viaje.",
        "Para mí, {subject} sigue siendo [el mejor recuerdo|lo más bonito] de todo el viaje.",
    ),
)

GARDENING = Topic(
    label="Jardín",
    titles=(
        "Cómo cultivar {plant} {place}",
        "Un año con {subject}",
        "Cómo mantuvimos a raya a {pest} este verano",
        "{count} errores que cometí con {plant}",
        "Lo que me enseñó el huerto en {month}",
    ),
    slots={
        "subject": (
            "la parcela del huerto urbano", "la huerta de detrás de casa", "la jardinera de aromáticas junto a la puerta",
            "la hilera de judías trepadoras", "la vieja higuera", "la cama de cultivo elevada",
            "la esquina de flores silvestres", "la cosecha de tomates del invernadero",
        ),
        "activity": (
            "cultivar en tierra arcillosa", "cultivar hortalizas a partir de semillas", "cuidar árboles frutales",
            "hacer compost casero", "cultivar sin productos químicos", "guardar semillas de un año para otro",
        ),
        "thing": (
            "los semilleros", "los guantes de jardín", "las regaderas", "las tijeras de podar", "las estacas de madera",
        ),
        "place": (
            "en el jardín", "en el huerto urbano", "en el invernadero", "junto a la valla del sur",
            "detrás del cobertizo", "a la sombra del seto",
        ),
        # Said of "el rincón": masculine singular.
        "corner_adj": ("sombrío", "húmedo", "ventoso", "seco", "resguardado", "soleado", "arcilloso", "olvidado"),
        "plant": (
            "los tomates", "las judías trepadoras", "las lechugas", "los calabacines", "las fresas",
            "los ajos", "los guisantes de olor", "los rábanos", "los girasoles", "las habas",
        ),
        "pest": ("las babosas", "los pulgones", "los caracoles", "las orugas", "las palomas", "los conejos"),
        "weeks": ("dos", "tres", "cuatro", "seis", "ocho"),
    },
    sentences=(
        "Sembré {plant} a principios de {month} en [macetas pequeñas|semilleros|viejos vasos de yogur], y {weeks} semanas después [pasaron|salieron] al exterior.",
        "{pest} encontraron las hojas tiernas en [pocos días|menos de una semana], así que ahora protejo cada bancal con una malla fina.",
        "Una buena capa de [compost|mantillo de hojas|estiércol bien descompuesto] en otoño hace más por el suelo que cualquier [producto|bote] del vivero.",
        "{person}, [de la parcela de al lado|de la casa de enfrente], me regaló [una bolsa|una caja] de plantones, y crecieron mucho mejor que los que yo había sembrado.",
        "Conviene regar [por la mañana|a primera hora] y no [por la tarde|de noche], porque las hojas [húmedas|mojadas] durante la noche atraen a {pest} y favorecen el moho.",
        "Este año {plant} lo pasaron mal en el rincón {corner_adj}, mientras que {plant2}, justo al lado, [crecieron de maravilla|dieron una cosecha estupenda].",
        "Cada {weekday} paso [una hora|un rato] quitando malas hierbas, y se ha convertido en el momento más [tranquilo|sereno] de mi semana.",
        "Guardamos {thing} en el cobertizo, que está lo bastante seco como para que nada se [oxide|pudra] durante el invierno.",
        "[Mi vecino|Un viejo hortelano|{person}] [recomienda|jura que conviene] plantar {plant} junto a {plant2}, y [de momento la cosecha le da la razón|los resultados parecen darle la razón].",
        "A finales de {month} ya recogíamos {plant} a diario, y regalamos [bolsas|cestas] enteras a los amigos.",
    ),
)

BICYCLE = Topic(
    label="Bicicleta",
    titles=(
        "Cómo arreglar {part} uno mismo",
        "Guía para principiantes: {activity}",
        "Cómo devolví la vida a {subject}",
        "Las herramientas que de verdad necesitas para {activity}",
        "Notas de taller desde {town}",
    ),
    slots={
        "subject": (
            "la vieja bicicleta de acero", "la bicicleta oxidada del trastero", "la rueda trasera",
            "la bicicleta de carretera de segunda mano", "la primera bicicleta de mi hija", "la transmisión",
            "la horquilla delantera", "la bici de paseo de mi padre",
        ),
        "activity": (
            "reparar bicicletas", "mantener a punto una bici vieja", "ir al trabajo en bici todos los días",
            "montar una bici con piezas de segunda mano", "arreglar pinchazos en la cuneta", "ajustar los cambios",
        ),
        "thing": (
            "los desmontables", "las cámaras de repuesto", "las llaves Allen", "las zapatas de freno",
            "las bridas de plástico",
        ),
        "place": (
            "en el taller", "en el recibidor", "en el taller de bicis del barrio", "en el balcón",
            "en el garaje", "en el arcén",
        ),
        # Said of "el pedaleo": masculine singular.
        "bike_adj": ("duro", "ruidoso", "pesado", "flojo", "irregular", "torpe", "áspero", "inestable"),
        "part": (
            "la cadena", "el cable del freno", "el neumático delantero", "el sillín", "los pedales",
            "la dirección", "el manillar", "el cable del cambio", "los radios",
        ),
        "tool": (
            "una llave del 15", "un tronchacadenas", "una bomba con manómetro", "un juego de llaves Allen",
            "una llave de conos", "dos desmontables",
        ),
    },
    sentences=(
        "Antes de tocar nada, limpia {part} con un trapo, porque la suciedad [oculta|esconde] la mayoría de los problemas reales.",
        "Para [desmontar|ajustar|cambiar] {part} solo hace falta {tool} y un poco de paciencia.",
        "Cuando el pedaleo se nota {bike_adj}, la causa [suele ser|casi siempre es] un cable gastado y no una pieza rota.",
        "{person}, del taller del barrio, me enseñó a [centrar una rueda|ajustar un freno] [tensando los radios uno a uno|girando un tornillo diminuto].",
        "Cambié {part} por menos de [lo que cuesta una entrada de cine|lo que vale una pizza|{count} euros], y desde entonces la bici [va de maravilla|no me ha dado ni un problema].",
        "Comprueba la presión de los neumáticos cada {weekday}: unas ruedas blandas hacen el trayecto [pesado|lento] y [desgastan|estropean] las llantas.",
        "Una gota de [aceite|cera|lubricante] en cada eslabón, limpiada al cabo de [un minuto|un momento], mantiene la cadena [silenciosa|limpia] durante [semanas|un mes entero].",
        "Después de {duration} de trabajo, {subject} estaba otra vez lista para [ir al trabajo|el camino al mercado].",
        "[La primera vez|Hace años|Una vez] se me olvidó apretar {part}, y en la primera [cuesta|subida] [entendí|aprendí] por qué es tan importante.",
        "En la bolsita de debajo del sillín llevo siempre {tool} y también {thing}, [por si acaso|para emergencias].",
    ),
)

ASTRONOMY = Topic(
    label="Cielo",
    titles=(
        "Cómo encontrar {object} en {month}",
        "Una noche {place}",
        "{activity}: guía para principiantes",
        "Por fin: {subject}",
        "{constellation} sobre {town}",
    ),
    slots={
        "subject": (
            "la galaxia de Andrómeda", "la nebulosa de Orión", "la lluvia de estrellas de las Perseidas",
            "la conjunción de Venus y Júpiter", "la última luna llena del verano", "la cola del cometa",
            "la Vía Láctea en verano", "la superficie de la Luna",
        ),
        "activity": (
            "mirar el cielo de noche", "observar planetas con un telescopio pequeño", "fotografiar la Luna",
            "aprender las constelaciones", "observar estrellas desde el jardín", "contar estrellas fugaces",
        ),
        "thing": ("los mapas celestes", "los prismáticos", "las linternas rojas", "las sillas plegables", "las mantas"),
        "place": (
            "en la colina detrás del pueblo", "en el fondo del jardín", "en el observatorio",
            "en una playa a oscuras", "en un campo lejos de las luces del pueblo", "en la azotea",
        ),
        # Said of "una noche": feminine singular.
        "night_adj": ("despejada", "oscura", "fría", "tranquila", "sin luna", "helada", "estrellada", "limpia"),
        "object": ("Júpiter", "Saturno", "Venus", "Marte", "Sirio", "Vega", "Capella", "Arturo"),
        "constellation": ("Orión", "Casiopea", "Perseo", "Pegaso", "Andrómeda", "Hércules", "Leo", "Géminis"),
    },
    sentences=(
        "En una noche {night_adj}, {object} se encuentra [fácilmente|sin problemas], incluso desde las afueras de una ciudad.",
        "Con unos prismáticos [corrientes|baratos|prestados], [se distinguen cuatro lunas de Júpiter alineadas como cuentas diminutas|se ven sin dificultad las fases de Venus|{person} pudo distinguir los cráteres de la Luna].",
        "Deja que tus ojos se acostumbren a la oscuridad durante [al menos veinte minutos|una buena media hora] antes de buscar {object}.",
        "Montamos el telescopio {place} y esperamos a que {constellation} asomara por encima de [los árboles|los tejados].",
        "{person} lleva un [cuaderno|diario] de cada [observación|noche al raso], con [la fecha|la hora], el material utilizado y [el estado del cielo|la transparencia del aire].",
        "En {month}, el mejor momento es [poco después de medianoche|justo antes del amanecer], cuando {constellation} [brilla|se ve] muy por encima del horizonte [sur|este].",
        "El brillo [tenue|suave] de {object} sorprendió a todos los que miraron por el ocular por primera vez.",
        "Con el móvil apoyado en el ocular se puede fotografiar {object}, aunque las imágenes [rara vez salen nítidas|salen algo borrosas].",
        "[Las nubes llegaron|Se levantó una bruma ligera|El viento empezó a soplar] poco después de las diez, así que recogimos {thing} y [volvimos a intentarlo|regresamos] a la noche siguiente.",
        "[La contaminación lumínica|El resplandor de las farolas] de {town} oculta [la mayoría|buena parte] de las estrellas débiles, así que conducimos [veinte minutos|un rato] hasta campos más oscuros.",
    ),
)

TOWN_HISTORY = Topic(
    label="Historia local",
    titles=(
        "La historia de {subject} de {town}",
        "{town} en {year}: una villa de {trade}",
        "Cómo {event} cambió {town}",
        "Un paseo por el viejo {town}",
        "Lo que cuenta el archivo sobre {subject}",
    ),
    slots={
        "subject": (
            "la vieja lonja", "la torre del reloj", "la antigua fábrica de paños", "la estación de tren",
            "la muralla", "la escuela del pueblo", "la ermita de San Roque", "la fuente de la plaza",
        ),
        "activity": (
            "investigar la historia del pueblo", "rastrear los registros de la familia", "visitar el archivo municipal",
            "coleccionar postales antiguas", "charlar con los vecinos más mayores", "buscar calles olvidadas en los planos antiguos",
        ),
        "thing": (
            "las fotografías antiguas", "los libros parroquiales", "las cartas amarillentas",
            "las actas del ayuntamiento", "los planos dibujados a mano",
        ),
        "place": (
            "en el archivo municipal", "en el museo local", "en la sala de lectura de la biblioteca",
            "en la plaza mayor", "en el campanario", "junto al viejo canal",
        ),
        # Said of "una villa": feminine singular.
        "adj": ("próspera", "humilde", "animada", "tranquila", "pobre", "orgullosa", "laboriosa", "pequeña"),
        "year": ("1642", "1785", "1812", "1848", "1871", "1903", "1926", "1954"),
        "trade": ("tejedores", "cerveceros", "pescadores", "herreros", "molineros", "cordeleros", "alfareros"),
        "event": (
            "el gran incendio", "la gran riada", "la llegada del ferrocarril", "la epidemia de fiebre",
            "el cierre del molino", "la visita del rey",
        ),
    },
    sentences=(
        "En {year}, {town} era una villa {adj} de {trade}, y sus nombres aparecen todavía en [muchas|varias] placas de las calles.",
        "Los documentos mencionan {event} en {year}, tras lo cual hubo que reconstruir [la mitad|un tercio] de las casas.",
        "{person} pasó {duration} {place} revisando {thing} que nadie había abierto en décadas.",
        "Muchas familias vivían como {trade} hasta que {event} [lo cambió todo|les dio la vuelta a sus vidas].",
        "Los cimientos de {subject} son más antiguos de lo que [la mayoría de los vecinos|mucha gente] de {town} [imagina|cree].",
        "Un plano de {year} muestra [campos|huertas|marismas] donde hoy están el supermercado y el aparcamiento.",
        "Los vecinos más mayores aún recuerdan [la época en que|los tiempos en que] [la vida del pueblo|todo el pueblo] giraba en torno a {subject}.",
        "Según [las actas del ayuntamiento|un periódico antiguo], [la primera escuela abrió en {year} con solo {count} alumnos|el primer hospital abrió en {year} con solo {count} camas].",
        "[Una piedra sobre la puerta|Una inscripción en la pared|Una placa desgastada] recuerda todavía a los {trade} que costearon {subject}.",
        "[Pocos visitantes se fijan en|Casi ningún visitante repara en] [el callejón estrecho|la vieja puerta|la pequeña capilla] detrás del ayuntamiento, y sin embargo allí está la mitad de la historia de {town}.",
    ),
)

GENERIC_SENTENCES = (
    "Empecé a {activity} el día en que {companion} me enseñó lo básico, {weather}.",
    "En {month}, {person} y yo pasamos {duration} {place} y volvimos a casa {feeling}.",
    "[En mi familia nadie|Ninguno de mis amigos] tenía paciencia para {activity}, así que aprendí [casi todo|lo básico] con [libros|revistas viejas] y a base de errores.",
    "Si quieres empezar a {activity}, empieza poco a poco y apunta en [una libreta|un cuaderno] lo que [funciona|sale bien].",
    "Compramos {thing} [hace años|cuando nos mudamos|en {town}] y todavía siguen en uso, lo que dice mucho de [la calidad|cuidar bien las cosas].",
    "Llovió casi todo el {weekday}, pero al atardecer el cielo sobre {town} [se despejó|se tiñó de rosa].",
    "{person} [se rio|sonrió] cuando le [confesé|conté] cuánto [tiempo|esfuerzo] me había costado que {subject} saliera bien.",
    "No hay [un método único|una receta única] para hacerlo bien, y quien diga lo contrario [seguramente|probablemente] no ha probado [muchas cosas|lo suficiente].",
    "En {town} la gente lleva generaciones haciendo esto, y cada familia tiene sus [pequeños secretos|propias costumbres].",
    "Si sigo con esto, es porque {activity} me obliga a ir más despacio y a fijarme en los detalles.",
    "A finales de {month} ya había llenado medio cuaderno de [bocetos|listas], [preguntas|precios] y [planes|dudas].",
    "Mi consejo es [sencillo|el de siempre]: ten paciencia, pide ayuda a {companion} y no lo compres todo [de golpe|el primer mes].",
    "{weather}, apetece quedarse {place} hasta [la noche|la hora de cenar].",
    "Cuando {companion} me preguntó [hace poco|el otro día] qué es lo que más me gusta de {activity}, no supe dar una respuesta [corta|sencilla].",
    "Algunos de los mejores consejos me los dio {person}, que lleva más de {count} años dedicándose a {activity}.",
    "Si algo de este artículo [no se entiende|resulta confuso], [deja tu pregunta en los comentarios|escríbeme un mensaje] y [trataré de responder|te contestaré antes del {weekday}].",
)

BOILERPLATE = Boilerplate(
    nav=("Inicio", "Artículos", "Quiénes somos", "Contacto", "Archivo", "Boletín", "Eventos", "Tienda"),
    taglines=(
        "Pequeñas historias de un pueblo pequeño", "Notas, guías y opiniones sinceras",
        "Escrito con calma, para leer con un café", "Un diario semanal desde 2009",
        "Ideas prácticas para el día a día",
    ),
    cookie_notices=(
        "Utilizamos cookies para mejorar tu experiencia y mostrarte contenido personalizado. Si sigues navegando, aceptas su uso.",
        "Este sitio web utiliza cookies con fines analíticos y publicitarios. Puedes cambiar tus preferencias en cualquier momento en la configuración de cookies.",
    ),
    cookie_accept="Aceptar todas",
    cookie_settings="Configuración de cookies",
    ad_label="Publicidad",
    ads=(
        "Hasta un 30 % de descuento en muebles de jardín solo este fin de semana. Envío gratis a partir de 50 €.",
        "Compara las tarifas de luz y cambia de compañía en cinco minutos.",
        "Nueva temporada, zapatos nuevos: descubre ya la colección de primavera.",
        "Reserva hoy tus vacaciones de verano y paga solo una pequeña señal.",
        "Fibra rápida para toda la familia desde 19,99 € al mes.",
    ),
    related_headings=("Artículos relacionados", "También te puede interesar", "Lo más leído esta semana", "Más de esta sección"),
    comments_heading="{n} comentarios",
    comments=(
        "¡Muy buen artículo, gracias por compartirlo!", "Lo probé el fin de semana pasado y salió perfecto.",
        "¿Podrías explicar un poco mejor el segundo paso?", "Preciosas fotos, como siempre.",
        "Cuántos recuerdos me ha traído esto.", "Gracias, lo guardo en favoritos.",
        "No estoy de acuerdo con lo de los precios, pero por lo demás muy interesante.",
        "¡Primer comentario! Seguid así.",
    ),
    leave_comment="Deja un comentario",
    post_comment="Publicar comentario",
    rights="© {year} {site}. Todos los derechos reservados.",
    footer_links=("Política de privacidad", "Condiciones de uso", "Aviso legal", "Contacto", "Publicidad", "Mapa del sitio"),
    byline="Publicado el {date} por {author}",
    read_more="Leer más",
    newsletter="Recibe nuestros mejores artículos una vez por semana.",
    email_placeholder="Tu correo electrónico",
    subscribe="Suscribirse",
    search="Buscar",
    share="Compartir este artículo",
    not_found_title="Página no encontrada",
    not_found_text="Lo sentimos, la página que buscas no existe o ha sido trasladada.",
    server_error_title="Error interno del servidor",
    server_error_text="Algo ha fallado por nuestra parte. Por favor, inténtalo de nuevo más tarde.",
    moved_text="Esta página se ha trasladado de forma permanente.",
    date_pattern="{day} de {month} de {year}",
    date_months=COMMON_SLOTS["month"],
)

LOW_QUALITY = LowQuality(
    salad_words=(
        "barato", "hotel", "préstamo", "descuento", "seguro", "descargar", "gratis", "mejor", "online",
        "precio", "hipoteca", "abogado", "oferta", "software", "tonos", "zapatillas", "reloj", "réplica",
        "bono", "rápido", "opiniones", "envío", "cupón", "garantizado", "dieta", "pastillas", "cripto",
        "cartera", "móvil", "tableta", "portátil", "batería", "cargador", "premium", "rebajas", "casino",
        "chollo", "ganga", "adelgazar", "comparador",
    ),
    repeated_lines=(
        "¡Haz clic aquí para reclamar tu premio gratis!",
        "Los mejores precios garantizados en todos los productos.",
        "Oferta limitada, solo por hoy.",
        "Suscríbete para recibir más ofertas increíbles.",
    ),
    too_short=(
        "Esta página está en construcción. Vuelve más tarde.",
        "¡Próximamente!",
        "Todavía no hay contenido.",
        "Gracias por tu visita.",
    ),
    link_list_heading="Enlaces útiles",
)

CORPUS = LanguageCorpus(
    code="es",
    spaced=True,
    html_lang="es",
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
        ("cuaderno", "El Cuaderno"), ("gaceta", "La Gaceta"), ("diario", "El Diario"), ("rincon", "El Rincón"),
        ("almanaque", "El Almanaque"), ("taller", "El Taller"), ("correo", "El Correo"), ("eco", "El Eco"),
        ("cronica", "La Crónica"), ("mesa", "La Mesa"), ("sendero", "El Sendero"), ("ventana", "La Ventana"),
    ),
    site_suffixes=(
        ("delsur", "del Sur"), ("delrio", "del río"), ("delpueblo", "del pueblo"), ("deldomingo", "del domingo"),
        ("delacolina", "de la colina"), ("delvalle", "del valle"), ("delmolino", "del molino"),
        ("delhuerto", "del huerto"), ("delaplaza", "de la plaza"), ("delnorte", "del Norte"),
        ("delasierra", "de la sierra"), ("delbarrio", "del barrio"),
    ),
    site_name_joiner=" ",
    tlds=("es", "com.mx", "ar", "es"),
    substitutes=(
        "pequeño", "pesado", "cuidadoso", "temprano", "sencillo", "local", "estrecho", "suave",
        "modesto", "constante", "honesto", "paciente", "corriente", "agradable",
    ),
    stop_words=("el", "la", "de", "que", "y", "en", "los", "las", "con", "es", "por", "un", "una"),
    legacy_charsets=("windows-1252",),
)
