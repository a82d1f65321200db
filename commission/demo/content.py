"""The people, panels and applications of the demo round.

Pure data: `flask demo` (see builder.py) reads these constants and builds the round through
the app's own services. Every name, group and place here is made up. All the text is
written in plain English, as a small local group would write it.

Three applications are there to show the eligibility check (builder.INELIGIBLE):
number 7 is based outside the area, number 18 asks to repay a loan, and number 26
has been running for less than a year.
"""
from __future__ import annotations

Person = dict[str, str]

PROGRAMME: dict[str, str | int] = {
    "name": "Ageing Well Together",
    "funder": "Community Lottery Fund",
    "total_budget_pence": 170_000_000,
}

ROUND: dict[str, str | int] = {
    "name": "Ageing Well Together: main grants round",
    "budget_pence": 170_000_000,
    "description": (
        "Older people will decide how this £1.7 million is spent. "
        "Local groups can ask for between £20,000 and £250,000. "
        "Three panels of older volunteers will read every application and choose who gets a grant."
    ),
}

PANELS: list[dict[str, str | list[Person]]] = [
    {
        "name": "North and Coast panel",
        "area": "The northern towns and the coast",
        "members": [
            {"name": "Margaret Hughes", "email": "margaret.hughes@example.org"},
            {"name": "Dennis O'Connor", "email": "dennis.oconnor@example.org"},
            {"name": "Gwen Pritchard", "email": "gwen.pritchard@example.org"},
            {"name": "Tomasz Nowak", "email": "tomasz.nowak@example.org"},
            {"name": "Pauline Mensah", "email": "pauline.mensah@example.org"},
            {"name": "Alan McLeod", "email": "alan.mcleod@example.org"},
        ],
    },
    {
        "name": "City panel",
        "area": "The city and its estates",
        "members": [
            {"name": "Shirin Begum", "email": "shirin.begum@example.org"},
            {"name": "Winston Clarke", "email": "winston.clarke@example.org"},
            {"name": "Patricia Doyle", "email": "patricia.doyle@example.org"},
            {"name": "Harjit Sandhu", "email": "harjit.sandhu@example.org"},
            {"name": "Mei Ling Chan", "email": "meiling.chan@example.org"},
            {"name": "Abdi Hassan", "email": "abdi.hassan@example.org"},
        ],
    },
    {
        "name": "Valleys panel",
        "area": "The valleys and the farming villages",
        "members": [
            {"name": "Dilys Morgan", "email": "dilys.morgan@example.org"},
            {"name": "Gareth Price", "email": "gareth.price@example.org"},
            {"name": "Eileen Walsh", "email": "eileen.walsh@example.org"},
            {"name": "Rajesh Patel", "email": "rajesh.patel@example.org"},
            {"name": "Brenda Jenkins", "email": "brenda.jenkins@example.org"},
            {"name": "Colin Armstrong", "email": "colin.armstrong@example.org"},
        ],
    },
]

FACILITATOR: Person = {"name": "Nia Thomas", "email": "nia.thomas@example.org"}
FUNDER_AUDITOR: Person = {"name": "Helen Okafor", "email": "helen.okafor@example.org"}
ADMINISTRATOR: Person = {"name": "Sam Whitfield", "email": "sam.whitfield@example.org"}

# In the order they are sent in. "panel" is an index into PANELS (10 for each panel).
APPLICATIONS: list[dict[str, str | int]] = [
    {  # 1
        "organisation": "Saltby Tuesday Lunch Club",
        "contact_name": "Jean Fairbairn",
        "contact_email": "jean.fairbairn@example.org",
        "title": "Hot lunches and good company, twice a week",
        "summary": (
            "We run a lunch club on Tuesdays in the church hall. About 40 people come. "
            "Many live alone, and this is their only hot meal with others. "
            "We want to open on Fridays too and pay a part-time cook."
        ),
        "amount_pence": 6_250_000,
        "timescale_months": 24,
        "panel": 0,
    },
    {  # 2
        "organisation": "Eastgate Bengali Women's Group",
        "contact_name": "Rokeya Khatun",
        "contact_email": "rokeya.khatun@example.org",
        "title": "A place to meet, cook and talk",
        "summary": (
            "We are older Bengali women in Eastgate. Many of us speak little English and rarely leave home. "
            "We meet to cook, sew and talk, and to get help with letters. "
            "We want to meet three times a week and pay a worker who speaks our language."
        ),
        "amount_pence": 14_800_000,
        "timescale_months": 36,
        "panel": 1,
    },
    {  # 3
        "organisation": "Blaenhir Farming Friends",
        "contact_name": "Emyr Davies",
        "contact_email": "emyr.davies@example.org",
        "title": "A cup of tea at the market",
        "summary": (
            "Many older farmers work alone and do not see anyone for days. "
            "We set up a tea stall at the weekly sheep market. "
            "Farmers stop for a chat, and some open up about money or health worries. "
            "We want to run it every market day and visit farms that are far out."
        ),
        "amount_pence": 9_600_000,
        "timescale_months": 24,
        "panel": 2,
    },
    {  # 4
        "organisation": "Kelham Bay Men's Shed",
        "contact_name": "Robert Tait",
        "contact_email": "robert.tait@example.org",
        "title": "A bigger, warmer shed for Kelham Bay",
        "summary": (
            "We are 25 older men who fix and make things together. "
            "We meet in a borrowed garage that is cold and cramped. "
            "We want to rent a proper unit with heating and a toilet. "
            "Then more men can join us, and we can open more days."
        ),
        "amount_pence": 10_800_000,
        "timescale_months": 36,
        "panel": 0,
    },
    {  # 5
        "organisation": "Millfield Memory Café",
        "contact_name": "Graham Whitaker",
        "contact_email": "graham.whitaker@example.org",
        "title": "A second café for people with dementia",
        "summary": (
            "Our café is for people living with dementia and the people who care for them. "
            "We meet every Thursday at the community centre. "
            "There is music, tea and a quiet corner. "
            "We want to open a second café on the other side of the city."
        ),
        "amount_pence": 13_800_000,
        "timescale_months": 24,
        "panel": 1,
    },
    {  # 6
        "organisation": "Glanmor Miners' Hall Friday Club",
        "contact_name": "Rhian Evans",
        "contact_email": "rhian.evans@example.org",
        "title": "Mend the roof of the old miners' hall",
        "summary": (
            "The miners built our hall in 1923. Today it is the only place left in the village to meet. "
            "We run a Friday club with bingo, lunch and a raffle. "
            "We want to fix the leaking roof and make the toilets fit for wheelchairs."
        ),
        "amount_pence": 24_500_000,
        "timescale_months": 18,
        "panel": 2,
    },
    {  # 7: based outside the programme's area
        "organisation": "Brackenmoor Over-60s Walking Club",
        "contact_name": "Keith Naylor",
        "contact_email": "keith.naylor@example.org",
        "title": "Gentle walks along the coast path",
        "summary": (
            "We lead gentle walks for people over 60. "
            "Our club meets in Brackenmoor, just over the county border. "
            "Some of our walkers live in Northcliffe and Saltby. "
            "We would buy walking poles and train more walk leaders."
        ),
        "amount_pence": 2_200_000,
        "timescale_months": 12,
        "panel": 0,
    },
    {  # 8
        "organisation": "Rainbow Years",
        "contact_name": "Stephen Marsh",
        "contact_email": "stephen.marsh@example.org",
        "title": "A safe place for older LGBT+ people",
        "summary": (
            "We are a group for older gay, lesbian, bi and trans people. "
            "Many of our members hid who they were for most of their lives. "
            "Some now fear going into a care home. "
            "We want to run monthly get-togethers and help care homes make people feel welcome."
        ),
        "amount_pence": 12_400_000,
        "timescale_months": 36,
        "panel": 1,
    },
    {  # 9
        "organisation": "Upper Valley Volunteer Car Scheme",
        "contact_name": "Huw Roberts",
        "contact_email": "huw.roberts@example.org",
        "title": "Lifts to hospital and the shops",
        "summary": (
            "Our volunteer drivers give lifts in their own cars. "
            "Most trips are to the hospital, which is a bus and a train away. "
            "Last year we made 2,100 trips, but we had to say no 400 times. "
            "We want to pay for drivers' fuel and someone to take bookings."
        ),
        "amount_pence": 17_600_000,
        "timescale_months": 36,
        "panel": 2,
    },
    {  # 10
        "organisation": "Northcliffe Community Transport",
        "contact_name": "Sandra Pike",
        "contact_email": "sandra.pike@example.org",
        "title": "A paid driver for our Dial-a-Ride bus",
        "summary": (
            "Our bus takes older people to the shops, the doctor and the lunch club. "
            "The bus service in the villages has been cut back. "
            "We need a paid driver three days a week. Volunteers cover the other days."
        ),
        "amount_pence": 18_400_000,
        "timescale_months": 36,
        "panel": 0,
    },
    {  # 11
        "organisation": "Brookside Tenants' Association",
        "contact_name": "Delroy Campbell",
        "contact_email": "delroy.campbell@example.org",
        "title": "Getting older tenants out of their flats",
        "summary": (
            "Our estate has six tower blocks. "
            "The lifts often break, and some older tenants do not go out for weeks. "
            "We want to knock on doors and run coffee mornings in the ground floor room. "
            "We would also help with small jobs around the home."
        ),
        "amount_pence": 11_800_000,
        "timescale_months": 24,
        "panel": 1,
    },
    {  # 12
        "organisation": "Valley Carers' Circle",
        "contact_name": "Susan Lloyd",
        "contact_email": "susan.lloyd@example.org",
        "title": "Weekly meetings and days out for carers",
        "summary": (
            "We are older people who look after someone at home. "
            "Some of us care for a partner, and some for a grown-up son or daughter. "
            "We meet once a month to share tips and have a laugh. "
            "We want to meet every week and go on days out with the people we care for."
        ),
        "amount_pence": 5_800_000,
        "timescale_months": 24,
        "panel": 2,
    },
    {  # 13
        "organisation": "Fernhaven Village Hall",
        "contact_name": "Ewan Macrae",
        "contact_email": "ewan.macrae@example.org",
        "title": "Warm Wednesdays at the harbour hall",
        "summary": (
            "Our hall is next to the harbour. "
            "Many of our older people worked on the boats or in the fish sheds. "
            "We want to open every Wednesday with tea, soup and a warm room. "
            "First we need new heating and windows."
        ),
        "amount_pence": 12_600_000,
        "timescale_months": 18,
        "panel": 0,
    },
    {  # 14
        "organisation": "Riverside Caribbean Elders Club",
        "contact_name": "Hyacinth Brown",
        "contact_email": "hyacinth.brown@example.org",
        "title": "A new roof and kitchen for our hall",
        "summary": (
            "We started in 1979 for the Windrush generation and their families. "
            "Our elders meet to play dominoes, eat together and share news. "
            "A nurse comes once a month to check blood pressure. "
            "Our roof leaks, and the kitchen is too old to use safely."
        ),
        "amount_pence": 23_600_000,
        "timescale_months": 18,
        "panel": 1,
    },
    {  # 15
        "organisation": "Blaenhir Welsh Chat Club",
        "contact_name": "Eirlys Rees",
        "contact_email": "eirlys.rees@example.org",
        "title": "Welsh chats, songs and home visits",
        "summary": (
            "We are a Welsh-speaking club for older people. "
            "Many members feel more at home in Welsh, and few places use it now. "
            "We meet for tea, talks and singing. "
            "We want to visit people at home who can no longer come."
        ),
        "amount_pence": 6_200_000,
        "timescale_months": 18,
        "panel": 2,
    },
    {  # 16
        "organisation": "Coastline Carers Together",
        "contact_name": "Lorraine Bell",
        "contact_email": "lorraine.bell@example.org",
        "title": "A few hours off for older carers",
        "summary": (
            "Many of our members are in their seventies and care for a husband or wife. "
            "They hardly ever get a break. "
            "We would pay for sitters so carers can have a few hours off. "
            "We would also run a monthly group where carers can talk."
        ),
        "amount_pence": 16_800_000,
        "timescale_months": 36,
        "panel": 0,
    },
    {  # 17
        "organisation": "St Anne's Allotment Society",
        "contact_name": "Janusz Kowalski",
        "contact_email": "janusz.kowalski@example.org",
        "title": "Raised beds so older growers can keep going",
        "summary": (
            "Many of our plot holders are over 70. "
            "Bending and digging is getting harder for them. "
            "We want to build raised beds, wide paths and a toilet. "
            "We also want to start a Saturday group for new growers."
        ),
        "amount_pence": 9_600_000,
        "timescale_months": 18,
        "panel": 1,
    },
    {  # 18: asks to repay a loan
        "organisation": "Northway Community Minibus",
        "contact_name": "Terry Lomas",
        "contact_email": "terry.lomas@example.org",
        "title": "Keep our minibus on the road",
        "summary": (
            "Two years ago we borrowed money to buy a minibus with a wheelchair lift. "
            "The loan payments are now more than we can manage. "
            "We would use this grant to pay off the loan. "
            "Then our fares can pay for drivers and fuel."
        ),
        "amount_pence": 6_800_000,
        "timescale_months": 12,
        "panel": 1,
    },
    {  # 19
        "organisation": "Pen-y-cae Community Garden",
        "contact_name": "Alun Jones",
        "contact_email": "alun.jones@example.org",
        "title": "A garden on the old pit site",
        "summary": (
            "We have turned part of the old pit site into a garden. "
            "Older people grow food and flowers there with children from the school. "
            "We want to build a shelter, a toilet and raised beds. "
            "Then people in poor health can still take part."
        ),
        "amount_pence": 11_800_000,
        "timescale_months": 24,
        "panel": 2,
    },
    {  # 20
        "organisation": "Friends of Saltby Library",
        "contact_name": "Pamela Hirst",
        "contact_email": "pamela.hirst@example.org",
        "title": "Books at home and a reading group",
        "summary": (
            "We take library books to people who can no longer get out. "
            "We want to reach more homes and start a reading group in the library. "
            "The money would pay a part-time organiser and their travel."
        ),
        "amount_pence": 7_100_000,
        "timescale_months": 24,
        "panel": 0,
    },
    {  # 21
        "organisation": "Northway Somali Elders",
        "contact_name": "Amina Yusuf",
        "contact_email": "amina.yusuf@example.org",
        "title": "Health talks and trips for Somali elders",
        "summary": (
            "Our older men and women came here from Somalia in the 1990s. "
            "Many now live alone, as their children have moved away. "
            "We meet at the mosque hall for tea, talks from doctors and help with forms. "
            "We want to add trips out and a women's walking group."
        ),
        "amount_pence": 11_800_000,
        "timescale_months": 24,
        "panel": 1,
    },
    {  # 22
        "organisation": "Valleys Hard of Hearing Club",
        "contact_name": "Carys Bevan",
        "contact_email": "carys.bevan@example.org",
        "title": "Lip-reading classes in more villages",
        "summary": (
            "Our members are losing their hearing, and it makes them feel cut off. "
            "We meet to learn lip-reading and share tips. "
            "We also help people get their hearing aids fixed. "
            "We want to run classes in three more villages."
        ),
        "amount_pence": 8_400_000,
        "timescale_months": 24,
        "panel": 2,
    },
    {  # 23
        "organisation": "Kelham Bay Silver Surfers",
        "contact_name": "Priya Nair",
        "contact_email": "priya.nair@example.org",
        "title": "Help with phones, tablets and online forms",
        "summary": (
            "Lots of older people here struggle with phones and online forms. "
            "The bank and the council now want everything done online. "
            "We run a weekly drop-in at the library with young helpers. "
            "We want to add two more sessions and lend out tablets."
        ),
        "amount_pence": 5_450_000,
        "timescale_months": 18,
        "panel": 0,
    },
    {  # 24
        "organisation": "Millfield Irish Pensioners' Club",
        "contact_name": "Bridget Flanagan",
        "contact_email": "bridget.flanagan@example.org",
        "title": "Dances, dinners and help with bills",
        "summary": (
            "We are a club for older Irish people and their friends. "
            "We hold a dance and dinner every month. "
            "Some members struggle with bills and damp homes. "
            "We want a part-time worker to help them sort things out."
        ),
        "amount_pence": 13_400_000,
        "timescale_months": 36,
        "panel": 1,
    },
    {  # 25
        "organisation": "Blaenhir Good Neighbours",
        "contact_name": "Ann Bowen",
        "contact_email": "ann.bowen@example.org",
        "title": "Small jobs and a friendly face",
        "summary": (
            "Our volunteers help older neighbours with small jobs. "
            "We change light bulbs, put the bins out and fetch the shopping. "
            "Often the chat matters more than the job. "
            "We want a paid organiser to match more helpers with people who need them."
        ),
        "amount_pence": 13_600_000,
        "timescale_months": 36,
        "panel": 2,
    },
    {  # 26: running for less than a year
        "organisation": "Nantgwyn Walking Football",
        "contact_name": "David Powell",
        "contact_email": "david.powell@example.org",
        "title": "Walking football for people over 60",
        "summary": (
            "We started our walking football group six months ago. "
            "Over 30 people now play each week. "
            "We want to hire the pitch at the leisure centre and buy kit. "
            "We also want to start a women's team."
        ),
        "amount_pence": 2_400_000,
        "timescale_months": 12,
        "panel": 2,
    },
    {  # 27
        "organisation": "North Shore Befriending",
        "contact_name": "Fiona Gallagher",
        "contact_email": "fiona.gallagher@example.org",
        "title": "Friendly calls and visits for people alone",
        "summary": (
            "We match volunteers with older people who feel lonely. "
            "A volunteer visits once a week or rings for a chat. "
            "We have 60 people waiting for a match. "
            "The money would pay for someone to find and train more volunteers."
        ),
        "amount_pence": 19_800_000,
        "timescale_months": 36,
        "panel": 0,
    },
    {  # 28
        "organisation": "Golden Harvest Chinese Elders Club",
        "contact_name": "Wai Man Lee",
        "contact_email": "waiman.lee@example.org",
        "title": "Tai chi, lunch and advice in Cantonese",
        "summary": (
            "Our club brings together older Chinese people from across the city. "
            "We do tai chi, play mahjong and share a hot lunch. "
            "Many members speak only Cantonese. "
            "We want to add a weekly health and advice session with someone to translate."
        ),
        "amount_pence": 10_400_000,
        "timescale_months": 24,
        "panel": 1,
    },
    {  # 29
        "organisation": "Cwmfelin Community Kitchen",
        "contact_name": "Lynne Harries",
        "contact_email": "lynne.harries@example.org",
        "title": "Hot dinners brought to the door",
        "summary": (
            "Meals on wheels stopped here three years ago. "
            "Now we cook in the chapel kitchen and take hot dinners to 45 older people. "
            "The drivers also check that people are well. "
            "We need a new oven and help with the cost of food and fuel."
        ),
        "amount_pence": 16_400_000,
        "timescale_months": 36,
        "panel": 2,
    },
    {  # 30
        "organisation": "Fernhaven Harbour Choir",
        "contact_name": "Morag Sinclair",
        "contact_email": "morag.sinclair@example.org",
        "title": "Singing together by the sea",
        "summary": (
            "Our choir has 35 singers, and the oldest is 91. "
            "We sing sea songs and old favourites. "
            "We want to start a second group for people with memory loss and their families. "
            "We need to pay a music leader and hire the hall."
        ),
        "amount_pence": 5_800_000,
        "timescale_months": 24,
        "panel": 0,
    },
]
