"""What the demo panel proposed, said and adopted at its co-design workshops."""

# (proposer index among the panel members, title, what it means, what each point 0-4 looks like)
PROPOSALS = [
    (0, "Reaches people who are lonely",
     "The project finds older people who are on their own and helps them take part.",
     ["It does not say how it will reach anyone who is lonely.",
      "It hopes lonely people will come, but has no plan to find them.",
      "It has a plan to find lonely people, but it is not clear it will work.",
      "It has a clear plan and has reached lonely people before.",
      "It has a clear plan, has done this well before, and lonely people helped shape it."]),
    (6, "Led by older people",
     "Older people help run the project and have a real say in what it does.",
     ["Older people have no say in the project.",
      "Older people are asked what they think now and then.",
      "Older people are asked often and some of their ideas are used.",
      "Older people help plan and run the project.",
      "Older people lead the project and make the big choices."]),
    (12, "Easy to get to",
     "People can get there and take part, whatever their health, money or where they live.",
     ["It does not say how people will get there or take part.",
      "People without a car or in poor health will find it hard to get there.",
      "Most people can get there, but some will find it hard.",
      "It is easy to reach and it helps with transport or other needs.",
      "Anyone can take part: it helps with transport, costs and any health needs."]),
    (3, "Good use of the money",
     "The money asked for is fair for what the project will do.",
     ["We cannot tell what the money will pay for.",
      "The costs seem too high for what it will do.",
      "The costs are fair, but some are not explained.",
      "The costs are fair and clearly explained.",
      "The costs are fair, clear, and other help is added to make the money go further."]),
    (9, "Will still help after the grant ends",
     "The good the project does will carry on when our money runs out.",
     ["Everything stops when the money stops.",
      "It hopes to carry on but has no plan.",
      "It has some ideas for carrying on.",
      "It has a clear plan to carry on, with other money or volunteers.",
      "It has a clear plan, and some of it is already in place."]),
]

COMMENTS = [
    (0, 2, "We should make sure people in the villages are not left out."),
    (1, 14, "I like this. Too often we are asked and then nothing changes."),
    (2, 7, "Please add something about people who cannot hear well."),
    (3, 16, "Could we look at whether they have other money too?"),
]

# (proposal index, member index) - an amendment after the discussion above
AMENDMENT = (2, 12, "Easy to get to",
             "People can get there and take part, whatever their health, hearing, money or where they live.")

WEIGHTS = [3, 2, 2, 1, 1]
MINIMUM_SCORE = 1.5
TIE_BREAK = [1, 2, "draw"]
