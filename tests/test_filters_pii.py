from thresher.stages.filters.pii import PIIMasker
from thresher.record import Document


def doc(text):
    return Document(id="d", url="", text=text)


def test_emails_and_public_ips_masked():
    d = doc("Write to john.doe+news@mail.example.co.uk or call 8.8.8.8 and 2001:4860:4860::8888 today.")
    assert PIIMasker(record_signals=True).filter(d) is None
    assert d.text == "Write to email@example.com or call 0.0.0.0 and 0.0.0.0 today."
    assert d.signals["pii.emails_masked"] == 1 and d.signals["pii.ips_masked"] == 2


def test_private_and_reserved_addresses_kept():
    text = "Router at 192.168.1.1, loopback 127.0.0.1 and ::1, docs use 203.0.113.5, time 12:30:45."
    d = doc(text)
    PIIMasker().filter(d)
    assert d.text == text


def test_not_addresses():
    text = "Version 1.2.3, score 256.1.1.1, price 3.50, user@localhost, @handle, 1.2.3.4.5"
    d = doc(text)
    PIIMasker().filter(d)
    assert d.text == text


def test_switches_and_replacements():
    text = "mail a@b.com from 8.8.4.4"
    d = doc(text)
    PIIMasker(mask_emails=False).filter(d)
    assert d.text == "mail a@b.com from 0.0.0.0"
    d = doc(text)
    PIIMasker(mask_ips=None, email_replacement="<EMAIL>").filter(d)
    assert d.text == "mail <EMAIL> from 8.8.4.4"


def test_never_drops():
    for text in ["", "@@@@", "a@" * 10000, "1." * 50000, ":" * 10000, "x" * 100 + "@" + "y" * 100 + ".com"]:
        assert PIIMasker().filter(doc(text)) is None
