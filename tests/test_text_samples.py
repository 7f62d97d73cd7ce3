"""Sample texts shared by the filter and text tests (real prose, written for them)."""

ENGLISH = """The history of the lighthouse on the northern cape goes back to the early nineteenth century, when a series of shipwrecks convinced the harbour authority that the coast needed a permanent light. The first tower was built of local stone and burned whale oil, which had to be carried up the narrow stairs every evening by the keeper and his family.
In the decades that followed, the tower was raised twice and the oil lamps were replaced by a paraffin burner and later by an electric light. Each change made the beam visible from farther out at sea, and the number of wrecks along that stretch of coast fell sharply.
The keepers kept detailed logs of the weather, the ships that passed and the repairs they made to the lantern. These records have survived almost complete, and historians now use them to study how storms and shipping traffic changed over more than a hundred years.
Today the light is automatic and the keeper's cottage has become a small museum. Visitors can climb to the gallery on clear days, look out over the rocks where so many vessels were lost, and read the logbooks that describe life at the edge of the sea."""

JAPANESE = """東京は日本の首都であり、世界でも有数の大都市として知られています。人口はおよそ千四百万人で、政治や経済、文化の中心として大きな役割を果たしています。
江戸時代には徳川幕府が置かれ、城下町として大きく発展しました。明治維新の後に江戸は東京と改称され、天皇が京都から移り住むことになりました。
現在の東京には多くの企業の本社が集まり、鉄道や地下鉄などの交通網も非常に発達しています。毎日数百万人の人々が郊外から都心へ通勤しており、朝の駅はいつも混雑しています。
一方で、下町には昔ながらの商店街や寺社が残っており、季節ごとの祭りも大切に受け継がれています。新しいものと古いものが同じ街の中で共存していることが、東京の大きな魅力だと言えるでしょう。"""

CHINESE = """长江是中国最长的河流，全长约六千三百公里，发源于青藏高原，向东流经十多个省份，最后在上海附近注入东海。
长江流域气候温和，雨量充沛，自古以来就是重要的农业地区。流域内的平原土地肥沃，盛产水稻、棉花和油菜，被人们称为鱼米之乡。
长江也是一条重要的交通运输线。从上海到重庆，大型船舶可以常年通航，沿岸的城市因此成为繁忙的港口和工业中心。
近年来，国家更加重视长江的生态保护，实行了禁渔等措施，希望让这条古老的河流重新焕发生机。许多城市还修建了沿江公园，供市民散步和休息。"""

GERMAN = """Die Stadt liegt am Ufer eines großen Sees und ist seit dem Mittelalter ein wichtiger Handelsplatz. Im Sommer kommen viele Besucher, die mit dem Schiff über den See fahren oder in den Bergen wandern.
Die Altstadt mit ihren engen Gassen und den bunten Häusern ist gut erhalten. Auf dem Marktplatz steht ein Brunnen aus dem sechzehnten Jahrhundert, und jeden Samstag findet dort ein Wochenmarkt statt, auf dem Bauern aus der Umgebung ihr Obst und Gemüse verkaufen.
Im Winter ist es ruhiger in der Stadt, doch auch dann lohnt sich ein Besuch, denn die Museen und Cafés sind geöffnet und der Blick auf die verschneiten Berge ist besonders schön."""

THAI = """กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทยและเป็นศูนย์กลางทางเศรษฐกิจ การเมือง และวัฒนธรรมของประเทศ มีประชากรอาศัยอยู่หลายล้านคน
แม่น้ำเจ้าพระยาไหลผ่านใจกลางเมือง และในอดีตเคยเป็นเส้นทางคมนาคมที่สำคัญที่สุด ผู้คนใช้เรือในการเดินทางและค้าขายสินค้าระหว่างชุมชนต่างๆ ริมฝั่งแม่น้ำ
ปัจจุบันกรุงเทพมีระบบรถไฟฟ้าหลายสายที่ช่วยให้การเดินทางสะดวกขึ้น แต่การจราจรบนถนนก็ยังคงติดขัดในชั่วโมงเร่งด่วน"""


# The samples are real prose in their scripts (other test modules import them).
def test_samples_are_in_their_scripts():
    from thresher.stages.text.words import has_unspaced_script

    assert ENGLISH.isascii() and not has_unspaced_script(GERMAN)
    assert all(has_unspaced_script(t) for t in (JAPANESE, CHINESE, THAI))
    assert 200 <= len(CHINESE) <= 600 and 200 <= len(JAPANESE) <= 600
