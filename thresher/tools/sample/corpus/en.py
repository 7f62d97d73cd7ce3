"""English: sentence templates and vocabularies written for the sample crawl."""

from thresher.tools.sample.corpus.model import Boilerplate, LanguageCorpus, LowQuality, Topic

COMMON_SLOTS = {
    "person": (
        "Anna", "Tom", "Margaret", "David", "Priya", "Oliver", "Grace", "Samuel",
        "Helen", "Marcus", "Ruth", "Daniel", "Fiona", "George", "Leila", "Patrick",
    ),
    "town": (
        "Millbrook", "Ashford Green", "Kingsbridge", "Harwick", "Elmstead", "Redcliffe",
        "Carrow", "Westmere", "Thornby", "Lowford", "Brackenfield", "Saltmarsh",
    ),
    "month": (
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    ),
    "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "duration": (
        "two hours", "most of the afternoon", "three long evenings", "about forty minutes",
        "a whole weekend", "half a day", "nearly a week", "an hour and a half",
    ),
    "weather": (
        "a grey, windy morning", "a bright and cold afternoon", "a warm evening without wind",
        "a wet Saturday", "a foggy day in late autumn", "a clear night after the rain",
        "a humid day in August", "a frosty Sunday",
    ),
    "companion": (
        "my neighbour", "an old friend from school", "my younger brother", "a colleague from work",
        "my grandmother", "two friends from the running club", "my daughter",
        "a retired teacher who lives nearby",
    ),
    "feeling": (
        "surprised", "relieved", "a little nervous", "proud", "tired but happy",
        "curious", "impatient", "strangely calm",
    ),
    "count": ("three", "four", "five", "six", "seven", "a dozen", "twenty", "fifteen"),
}

COOKING = Topic(
    label="Cooking",
    titles=(
        "How I make {subject} on a busy {weekday}",
        "{count} lessons from a year of {activity}",
        "Notes from my kitchen: {subject} with {ingredient}",
        "Why {ingredient} belongs in {subject}",
        "A {adj} dinner for {weather}",
    ),
    slots={
        "subject": (
            "this lentil soup", "the apple cake from my grandmother’s notebook",
            "a simple tomato sauce", "the Sunday roast", "a pot of vegetable curry",
            "homemade flatbread", "the plum jam", "a tray of baked fish with lemon",
            "the mushroom risotto", "a spiced pumpkin stew",
        ),
        "activity": (
            "cooking at home", "baking bread at weekends", "making soup from leftovers",
            "cooking for a large family", "preserving fruit in jars", "experimenting with spices",
        ),
        "thing": ("wooden spoons", "cast iron pans", "old recipe cards", "glass jars", "mixing bowls"),
        "place": (
            "in the kitchen", "at the farmers’ market", "in my grandmother’s kitchen",
            "at the counter by the window", "in the tiny kitchen of our flat", "at the village bakery",
        ),
        "adj": ("rich", "fragrant", "simple", "hearty", "crisp", "comforting", "bright", "warming"),
        "ingredient": (
            "garlic", "fresh thyme", "brown butter", "smoked paprika", "red onion", "lemon zest",
            "ground cumin", "sea salt", "black pepper", "chopped parsley", "grated ginger", "dried chilli",
        ),
        "vegetable": (
            "carrots", "leeks", "potatoes", "courgettes", "spinach", "celery",
            "sweet peppers", "beetroot", "cabbage", "green beans",
        ),
        "minutes": ("ten", "fifteen", "twenty", "twenty-five", "thirty", "forty", "forty-five"),
        "temperature": ("160", "180", "190", "200", "220"),
    },
    sentences=(
        "[Start by chopping|First, slice|Begin by dicing] the {vegetable} into [small pieces|thin strips|rough chunks] and [warm|heat] a splash of oil in a heavy pan.",
        "After [about|roughly|no more than] {minutes} minutes, add the {ingredient} and stir until [the whole kitchen|the flat|the hallway] smells {adj}.",
        "{person} [always insists|is convinced|told me once] that {ingredient} should go in at the [very end|last moment], and [after many attempts|after a few failures|by now] I [agree|think that is right].",
        "The oven [should be|needs to be] heated to {temperature} degrees before the tray goes in, [otherwise|or else] the bottom stays [pale and soft|damp].",
        "If you cannot find {vegetable} at the market, {vegetable2} [work just as well|are a fine substitute] and [cost a little less|are often cheaper].",
        "A pinch of {ingredient} [changes the flavour|lifts the whole dish] more than you would expect from such a [small|tiny] amount.",
        "Leftovers keep for [three|four|five] days in the fridge, and [they taste even better|the flavour is deeper] on the [second|following] evening.",
        "My first attempt was [far too salty|burnt at the edges|watery and bland], so now I add the {ingredient} slowly and taste after every [spoonful|step].",
        "Serve it [warm|hot|at room temperature] with [a slice of bread|boiled rice|a green salad] and a handful of {ingredient2} scattered on top.",
        "[Our|My] {thing} [are older than I am|came from a flea market in {town}|were a wedding present], and [they still do the job|nothing new has replaced them].",
    ),
)

TRAVEL = Topic(
    label="Travel",
    titles=(
        "{count} days in {destination} without a car",
        "A slow journey to {destination}",
        "What I learned from {activity}",
        "Getting to {destination} on {transport}",
        "{destination} in {month}: a short diary",
    ),
    slots={
        "subject": (
            "the night train to the coast", "a week in the mountains", "the old harbour district",
            "a walking route along the river", "the ferry crossing to the island",
            "a small guesthouse near the cathedral", "the coastal path", "a long weekend in the capital",
        ),
        "activity": (
            "travelling by train", "walking long-distance paths", "exploring small towns",
            "planning trips on a tight budget", "travelling with only a backpack",
            "visiting places out of season",
        ),
        "thing": ("paper maps", "train tickets", "postcards", "walking boots", "guidebooks", "rain jackets"),
        "place": (
            "at the central station", "on the platform", "in a café near the harbour",
            "on the upper deck of the ferry", "in the hostel kitchen", "at the top of the old lighthouse",
        ),
        "adj": ("quiet", "crowded", "windy", "charming", "peaceful", "lively", "remote", "colourful"),
        "destination": (
            "Lisbon", "the Scottish Highlands", "a fishing village in Brittany", "Kraków",
            "the Lake District", "Seville", "a small island in the Baltic", "Ljubljana",
            "the Dolomites", "Porto",
        ),
        "transport": (
            "the early bus", "a regional train", "a rented bicycle", "the last ferry",
            "a shared taxi", "an overnight coach",
        ),
        "hours": ("two", "three", "four", "five", "six", "eight"),
        "price": ("€12", "€25", "€8.50", "€40", "£18", "£30"),
    },
    sentences=(
        "We reached {destination} after {hours} hours on {transport}, [tired but glad|stiff and hungry but happy] to stretch our legs.",
        "The cheapest option was {transport}, which cost {price} per person and [left before sunrise|took most of the day].",
        "[Locals|The woman at the bakery|Our host] told us to [skip|avoid] the famous square and walk instead to the {adj} streets behind the market.",
        "Our room [had a narrow balcony|looked out] over the roofs, and [in the mornings|at dusk] we could hear [church bells|gulls|the trams] below.",
        "If you visit {destination} in {month}, pack a warm layer, because the evenings turn [cold|chilly] [quickly|without warning].",
        "On the second day we left the {thing} [at the hotel|in our room] and simply followed [the river|the coast|the old tram line] wherever it went.",
        "A ticket for the [museum|old fortress|botanical garden] costs {price}, and [it is worth every cent|we did not regret it] for the view alone.",
        "The ride back on {transport} gave me time to [write down|sketch] everything we had seen [before it faded|while it was fresh].",
        "[Nobody|Not one person] [on the platform|in the queue] [seemed to know|could tell us] why {transport} was [late|delayed], but [nobody complained|everyone shared snacks].",
        "{person} had [marked|circled] a [small|family-run] restaurant on the map, and it [turned out to be|became] the best meal of the trip.",
    ),
)

GARDENING = Topic(
    label="Garden",
    titles=(
        "Growing {plant} {place}",
        "A year with {subject}",
        "How we kept the {pest} away this summer",
        "{count} mistakes I made with {plant}",
        "What {month} taught me about {activity}",
    ),
    slots={
        "subject": (
            "the vegetable patch", "our small allotment", "the herb bed by the back door",
            "a row of climbing beans", "the old apple tree", "the raised beds",
            "a wildflower corner", "the greenhouse tomatoes",
        ),
        "activity": (
            "gardening on heavy clay", "growing vegetables from seed", "looking after fruit trees",
            "making compost", "gardening without chemicals", "saving seeds from year to year",
        ),
        "thing": ("seed trays", "garden gloves", "watering cans", "pruning shears", "wooden stakes"),
        "place": (
            "in the garden", "at the allotment", "in the greenhouse", "along the south fence",
            "behind the shed", "in the shade of the hedge",
        ),
        "adj": ("green", "lush", "muddy", "sunny", "sheltered", "dry", "fertile", "overgrown"),
        "plant": (
            "tomatoes", "runner beans", "lettuce", "courgettes", "strawberries", "garlic",
            "sweet peas", "rhubarb", "sunflowers", "broad beans",
        ),
        "pest": ("slugs", "aphids", "snails", "caterpillars", "pigeons", "rabbits"),
        "weeks": ("two", "three", "four", "six", "eight"),
    },
    sentences=(
        "I sowed the {plant} in [small pots|seed trays|old yoghurt cups] in early {month} and moved them outside {weeks} weeks later.",
        "The {pest} found the young leaves within [days|a week], so I now [protect|cover] every bed with a fine net.",
        "A thick layer of [compost|leaf mould|well-rotted manure] in autumn does more for the soil than any [product|bottle] from the garden centre.",
        "{person} from the [next plot|house opposite] gave me a [bag|box] of young {plant}, and they did far better than mine.",
        "Water in the [morning|early hours] rather than [the evening|at night], because [damp|wet] leaves [overnight|in the dark] [invite|attract] {pest} and mould.",
        "This year the {plant} struggled in the {adj} corner, while the {plant2} [thrived|grew happily] right next to them.",
        "Every {weekday} I spend [an hour|some time] pulling weeds, and it has become the [calmest|quietest] part of my week.",
        "We keep the {thing} in the shed, which is dry enough that nothing [rusts|rots] over the winter.",
        "[My neighbour|An old gardener|{person}] swears by planting {plant} next to {plant2}, and [the results so far prove|the harvest so far suggests] it works.",
        "By late {month} the {adj} beds were [full of|crowded with] {plant}, and we gave [bags|baskets] of them away to friends.",
    ),
)

BICYCLE = Topic(
    label="Bikes",
    titles=(
        "Fixing {part} in {duration}",
        "A beginner’s guide to {activity}",
        "How I brought {subject} back to life",
        "Tools you really need for {activity}",
        "Why a bike can feel {adj} and what to do about it",
    ),
    slots={
        "subject": (
            "my old steel bicycle", "a rusty town bike", "the rear derailleur", "a squeaking brake",
            "the back wheel", "a second-hand racing bike", "my daughter’s first bike", "the bottom bracket",
        ),
        "activity": (
            "repairing bicycles", "maintaining an old bike", "cycling to work every day",
            "building a bike from spare parts", "fixing punctures by the roadside", "adjusting gears",
        ),
        "thing": ("tyre levers", "spare inner tubes", "Allen keys", "brake pads", "cable cutters"),
        "place": (
            "in the workshop", "in the hallway", "at the community repair café", "on the balcony",
            "in the garage", "at the side of the road",
        ),
        "adj": ("smooth", "noisy", "stiff", "loose", "reliable", "light", "worn", "sturdy"),
        "part": (
            "the chain", "the brake cable", "the front tyre", "the saddle", "the pedals",
            "the headset", "the handlebars", "the gear cable", "the spokes",
        ),
        "tool": (
            "a 15 mm spanner", "a chain tool", "a pump with a gauge", "a set of Allen keys",
            "a cone spanner", "a pair of tyre levers",
        ),
    },
    sentences=(
        "Before you touch anything, clean {part} with a rag, because dirt [hides|covers up] most of the real problems.",
        "To [remove|adjust|replace] {part}, you only need {tool} and a little patience.",
        "When {part} feels {adj}, the cause is [often|usually] a worn cable rather than a broken part.",
        "{person} at the repair café showed me how to [true a wheel|centre a brake] by [tightening one spoke at a time|turning one small screw].",
        "I replaced {part} for less than [the price of a cinema ticket|a pizza costs|{count} pounds], and the bike has [run well|behaved] [ever since|all {month}].",
        "Check the tyre pressure every {weekday}; soft tyres make the ride [slow|heavy] and wear out the rims.",
        "A drop of [oil|wax|lubricant] on each link, wiped off after [a minute|a moment], keeps the chain [quiet|clean] for [weeks|a month|{count} weeks].",
        "After {duration} of work, {subject} was {adj} again and ready for the [ride to work|trip to the market].",
        "[The first time|Years ago|Once] I [forgot|did not bother] to tighten {part}, and I [learned|found out] why it matters on the first steep hill.",
        "Keep {tool} and a few {thing} in a small bag under the saddle, [just in case|for emergencies].",
    ),
)

ASTRONOMY = Topic(
    label="Sky",
    titles=(
        "Finding {object} in {month}",
        "A night {place}",
        "{activity} for complete beginners",
        "What we saw of {subject}",
        "Looking for {constellation} from {town}",
    ),
    slots={
        "subject": (
            "the winter sky", "the Andromeda galaxy", "a partial lunar eclipse", "the rings of Saturn",
            "the Perseid meteor shower", "the craters of the Moon", "a bright comet", "the Orion Nebula",
        ),
        "activity": (
            "watching the night sky", "observing planets with a small telescope", "photographing the Moon",
            "learning the constellations", "stargazing from the garden", "counting meteors",
        ),
        "thing": ("star charts", "binoculars", "red torches", "folding chairs", "warm blankets"),
        "place": (
            "on the hill behind the village", "in the back garden", "at the observatory",
            "on a dark beach", "in a field far from the town lights", "on the roof terrace",
        ),
        "adj": ("clear", "dark", "cold", "faint", "brilliant", "steady", "hazy", "still"),
        "object": ("Jupiter", "Saturn", "Venus", "Mars", "the Pleiades", "the Moon", "Sirius", "the Milky Way"),
        "constellation": ("Orion", "Cassiopeia", "the Plough", "Cygnus", "Leo", "Taurus", "Gemini", "Lyra"),
    },
    sentences=(
        "On a {adj} night {object} is [easy|simple] to find, even from the edge of a town.",
        "With [ordinary|cheap|borrowed] binoculars [you can see|{person} could make out] [four moons of Jupiter|the phases of Venus|{object}] [lined up like tiny beads|without any trouble].",
        "Let your eyes [adapt to|get used to] the dark for [at least|a good] [twenty|thirty] minutes before you [look|search] for {object}.",
        "We set up the telescope {place} and waited until {constellation} rose above the [trees|rooftops].",
        "{person} keeps [a notebook|a diary|a log] of every [observation|night out], with [the date|the hour], the {thing} used and [the state of the sky|how {adj} the air was].",
        "In {month} the best time to look is [shortly after midnight|just before dawn], when {constellation} stands high in the [south|east].",
        "The [faint|soft] glow of {object} surprised everyone who looked through the eyepiece for the first time.",
        "A phone camera held against the eyepiece can capture {object}, though the pictures are [rarely sharp|a little blurred].",
        "[Clouds rolled in|A thin haze appeared|The wind picked up] just after ten, so we packed the {thing} and [tried again|came back] the next night.",
        "[Light pollution|The glow of the street lamps] from {town} hides [most|many] of the fainter stars, so we drive [out|twenty minutes] to darker fields.",
    ),
)

TOWN_HISTORY = Topic(
    label="Local history",
    titles=(
        "The story of {subject} in {town}",
        "{town} in {year}: a town of {trade}",
        "How {event} changed {town}",
        "Walking through old {town}",
        "What the archive says about {subject}",
    ),
    slots={
        "subject": (
            "the old market hall", "the stone bridge", "the parish church", "the former cloth mill",
            "the railway station", "the town walls", "the village school", "the harbour warehouses",
        ),
        "activity": (
            "reading about local history", "researching old family records", "visiting the town archive",
            "collecting old postcards", "talking to older residents", "mapping forgotten streets",
        ),
        "thing": ("old photographs", "parish registers", "faded letters", "council minutes", "hand-drawn maps"),
        "place": (
            "in the town archive", "at the local museum", "in the library reading room",
            "on the market square", "in the church tower", "along the old canal",
        ),
        "adj": ("medieval", "forgotten", "prosperous", "quiet", "busy", "humble", "grand", "remarkable"),
        "year": ("1642", "1785", "1812", "1848", "1871", "1903", "1926", "1954"),
        "trade": ("weavers", "brewers", "fishermen", "blacksmiths", "millers", "rope makers", "potters"),
        "event": (
            "a great fire", "a long flood", "the arrival of the railway", "an outbreak of fever",
            "the closing of the mill", "a royal visit",
        ),
    },
    sentences=(
        "In {year}, {town} was a {adj} [place|town] of {trade}, and their names still appear on [many|several] street signs.",
        "The records mention {event} in {year}, after which [half|a third] of the houses had to be rebuilt.",
        "{person} spent {duration} {place} going through {thing} that nobody had opened in decades.",
        "Many families earned their living as {trade} until {event} changed [everything|their lives].",
        "The foundations of {subject} are older than [most people|many residents] in {town} realise.",
        "A map from {year} shows [fields|orchards|marshland] where the supermarket and the car park stand today.",
        "Older residents still remember [the days|a time] when [daily life|the whole town] [revolved around|gathered at] {subject}.",
        "According to the [council minutes|{thing}|old newspaper], the first [school|library|hospital] opened in {year} with only {count} [pupils|rooms|beds].",
        "[A stone above the door|An inscription on the wall|A worn plaque] still [records|shows] the name of the {trade} who paid for {subject}.",
        "[Few|Not many] visitors notice the [narrow lane|old gate|small chapel] behind {subject}, yet it [tells|holds] half the history of {town}.",
    ),
)

GENERIC_SENTENCES = (
    "I first became interested in {activity} when {companion} showed me the basics on {weather}.",
    "Last {month}, {person} and I spent {duration} {place}, and we both came home {feeling}.",
    "[Nobody in my family|None of my friends|Hardly anyone I know] had much patience for {activity}, so I learned [most of it|the basics] from [books|old magazines] and mistakes.",
    "If you are new to {activity}, start small and keep [a few notes|a simple diary] about what works.",
    "The {thing} we bought [years ago|when we moved here|in {town}] are still in use, which [says a lot|tells you something] about [buying quality once|looking after things].",
    "It rained for most of the {weekday}, but by evening the sky over {town} had [cleared|turned pink].",
    "{person} [laughed|smiled] when I [admitted|confessed] how [long|many tries] it took me to get {subject} [right|just right].",
    "There is no [single|one] [correct|right] [method|way], and [anyone|whoever] [claims|says] otherwise has [probably|likely] not [tried|compared] [many|very many].",
    "People in {town} have been [doing this|at it] for generations, and each family has its own [small secrets|habits].",
    "I keep coming back to {activity} because it [forces|teaches] me to slow down and pay attention.",
    "By the end of {month} I had filled half a notebook with [sketches|lists], [questions|prices] and [plans|doubts].",
    "My advice is [simple|short|the same as always]: be [patient|curious], ask {companion} for help, and do not buy [everything|every gadget] [at once|in the first {month}].",
    "It was {weather}, the kind of day that makes you want to stay {place} until [dark|supper].",
    "When {companion} asked [me|recently] what I [enjoy|like] most about {activity}, I could not give a [short|simple] answer.",
    "Some of the best tips came from {person}, who has been {activity} for more than {count} years.",
    "If [anything|something] [here|in this post] is [unclear|confusing], [leave a question below|send me a message] and I will [try to answer it|reply by {weekday}].",
)

BOILERPLATE = Boilerplate(
    nav=("Home", "Articles", "About us", "Contact", "Archive", "Newsletter", "Events", "Shop"),
    taglines=(
        "Small stories from a small town", "Notes, guides and honest opinions",
        "Written slowly, read with tea", "A weekly journal since 2009", "Practical ideas for everyday life",
    ),
    cookie_notices=(
        "We use cookies to improve your experience and to show personalised content. By continuing to browse, you agree to our use of cookies.",
        "This website uses cookies for analytics and advertising. You can change your preferences at any time in the cookie settings.",
    ),
    cookie_accept="Accept all",
    cookie_settings="Cookie settings",
    ad_label="Advertisement",
    ads=(
        "Save 30% on garden furniture this weekend only. Free delivery on orders over £50.",
        "Compare energy prices and switch supplier in five minutes.",
        "New season, new shoes: discover the spring collection online now.",
        "Book your summer holiday today and pay only a small deposit.",
        "Fast broadband for your whole family from £19.99 a month.",
    ),
    related_headings=("Related posts", "You might also like", "Popular this week", "More from this section"),
    comments_heading="{n} comments",
    comments=(
        "Great post, thank you for sharing!", "I tried this last weekend and it worked perfectly.",
        "Could you say a bit more about the second step?", "Lovely photos, as always.",
        "This brought back so many memories.", "Thanks, bookmarked for later.",
        "I disagree with the part about the prices, but otherwise a good read.",
        "First comment! Keep up the good work.",
    ),
    leave_comment="Leave a comment",
    post_comment="Post comment",
    rights="© {year} {site}. All rights reserved.",
    footer_links=("Privacy policy", "Terms of use", "Imprint", "Contact", "Advertise with us", "Sitemap"),
    byline="Posted on {date} by {author}",
    read_more="Read more",
    newsletter="Get our best articles once a week.",
    email_placeholder="Your email address",
    subscribe="Subscribe",
    search="Search",
    share="Share this article",
    not_found_title="Page not found",
    not_found_text="Sorry, the page you are looking for does not exist or has been moved.",
    server_error_title="Internal server error",
    server_error_text="Something went wrong on our side. Please try again later.",
    moved_text="This page has moved permanently.",
    date_pattern="{day} {month} {year}",
    date_months=COMMON_SLOTS["month"],
)

LOW_QUALITY = LowQuality(
    salad_words=(
        "cheap", "hotel", "loan", "discount", "insurance", "download", "free", "best", "online",
        "price", "mortgage", "lawyer", "cheapest", "deal", "offer", "software", "ringtone",
        "credit", "casual", "shoes", "watch", "replica", "bonus", "fast", "quick", "review",
        "shipping", "coupon", "voucher", "guaranteed", "weight", "diet", "pills", "crypto",
        "wallet", "login", "mobile", "tablet", "laptop", "battery", "charger", "premium",
    ),
    repeated_lines=(
        "Click here to claim your free prize now!",
        "Best prices guaranteed on all products.",
        "Limited offer, only today.",
        "Subscribe for more great deals.",
    ),
    too_short=(
        "This page is under construction. Please come back later.",
        "Coming soon!",
        "No content yet.",
        "Thank you for your visit.",
    ),
    link_list_heading="Useful links",
)

CORPUS = LanguageCorpus(
    code="en",
    spaced=True,
    html_lang="en",
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
        ("quiet", "Quiet"), ("north", "North"), ("little", "Little"), ("green", "Green"),
        ("old", "Old"), ("bright", "Bright"), ("slow", "Slow"), ("wild", "Wild"),
        ("hillside", "Hillside"), ("river", "River"), ("sunday", "Sunday"), ("copper", "Copper"),
    ),
    site_suffixes=(
        ("kitchen", "Kitchen"), ("journal", "Journal"), ("notes", "Notes"), ("trails", "Trails"),
        ("gazette", "Gazette"), ("corner", "Corner"), ("almanac", "Almanac"), ("workshop", "Workshop"),
        ("courier", "Courier"), ("diary", "Diary"), ("review", "Review"), ("times", "Times"),
    ),
    site_name_joiner=" ",
    tlds=("com", "co.uk", "org", "net"),
    substitutes=(
        "small", "heavy", "careful", "early", "simple", "local", "narrow", "gentle",
        "modest", "steady", "honest", "patient", "ordinary", "pleasant",
    ),
    stop_words=("the", "be", "to", "of", "and", "that", "have", "with"),
    legacy_charsets=("windows-1252",),
)
