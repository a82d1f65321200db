def test_home_redirects_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_round_advances_to_shortlisting(world):
    round = world.round()
    world.advance(round, "shortlisting")
    assert round.stage == "shortlisting"
