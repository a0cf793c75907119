"""The lexicon a new site starts with, in English and French (comments/abuse.py says how it is read).

Seeded into comments.models.AbuseTerm, which the owner reads and extends in the admin. Entries are compared
without case or accents; "*" ends a word to match its family ("idiot*": idiots, idiote, idiotes); several
words match in sequence, whatever punctuation lies between them.

Criticism must stay publishable: words that only judge ("stupid", "nul", "merde") are held only when aimed
at a person; names for people ("idiot", "connard") are held unless they describe an idea. Everyday words that
an insult shares letters with are avoided as families ("con" is four exact words, never "con*": conversation,
conseil, contenu; "retard" and "crevé" are not entries at all: a delay, tired).
"""

from .abuse import Lexicon

# Each language's entries, separated by commas.
DEFAULT_ABUSE_LEXICON = {
    "person_insult": {
        "en": """
            idiot, idiots, moron, morons, imbecile*, cretin*, dumbo, dipshit*, asshole*, arsehole*, dickhead*,
            douchebag*, motherfucker*, fucker*, shithead*, scumbag*, loser*, muppet*, twit, twits, cunt*,
            whore*, slut*, bastard*, liar*, hack writer*, halfwit*, numpty, nitwit*, lowlife*, piece of shit,
            piece of work, waste of space, pathetic little man, stupid cow, brainwashed idiot*,
            talentless hack*, wanker*, twat*, spaz, you retard, fucking retard, dumbass, dumbasses,
            sorry sack of, sack of shit, sack of nothing, kunt*,
            embarrassment to your, a retard, the retard, bunch of retards, your parents must be ashamed,
            your parents must be so ashamed, your parents should be ashamed, shut your mouth, shut your trap,
            ashamed of you, embarrassed by you, embarrassed to have you
""",
        "fr": """
            connard*, connasse*, conard*, abruti*, cretin*, imbecile*, idiot, idiots, idiote, idiotes,
            encule*, enkule*, salop, salopard*, pute, putes, naze, nazes, tocard*, minable*, escroc*,
            menteur*, sale vendu, sales vendus, espece de vendu, bande de vendus, pauvre vendu, collabo,
            collabos, benet, benets, grosse vache, grosses vaches, vieille vache, vraie truie, sale truie,
            menteuse*, incompetent*, debile mental*, sous merde*, raclure*, enfoire*, trou du cul, trouduc,
            gros nul, pauvre type, pauvre tache, pauvre con*, leche bottes, cassos, fils de pute,
            tete de noeud, sac a merde, petite merde, grosse merde, une merde, qu une merde, ferme ta gueule,
            ta gueule, ce debile, un debile, une debile, le debile, la debile, des debiles, les debiles,
            cette debile, un con, une conne, des cons, les cons, gros con, grosse conne, roi des cons,
            la plus conne, le plus con, charlot, boulet, ducon, salaud, salauds, fdp, petasse*, pouffiasse*,
            grognasse*, attarde mental, salope, salopes, beauf, beaufs, triso, trisos, glandu, glandus,
            honte pour ta, honte pour votre, vraie tache, grosse tache, sale tache, qu une tache,
            tes parents doivent avoir honte, vos parents doivent avoir honte, tes parents ont honte,
            ferme ta bouche, fermez votre bouche, honte de toi, honte de vous, honte de t avoir,
            honte de vous avoir, un demeure, une demeuree, espece de demeure
""",
    },
    "insult": {
        "en": """
            stupid*, idiotic*, moronic*, brainless, braindead, brain dead, too thick, clueless, pathetic,
            worthless, useless lot, garbage, trash, shit, shitty, crap, crappy, rubbish, bullshit, retarded,
            pompous, brainwashed, talentless, smug, disgusting, ignorant, sheep, clown, clowns, jerk, jerks,
            fraud, bitch, bitches, dumb, dumber, dumbest, ugly, fat, degenerate, sellout,
            sellouts, shill, shills
""",
        "fr": """
            con, cons, conne, connes, debile*, bete, betes, stupide*, nul, nuls, nulle, nulles, merde,
            merdique*, daube, connerie*, a chier, decerebre*, incapable*, pitoyable*, ridicule*, degueulasse*,
            arnaque*, bidon, foireux, relou, pourri, pourrie, pourris, pourries, moutons, mouton, ordure,
            ordures, batard, batards, blaireau, blaireaux, andouille, andouilles, guignol, guignols, bouffon,
            bouffons, clown, clowns, moche, honte, d une betise, affligeant*, teube, teubes
""",
    },
    "slur": {
        "en": """
            faggot*, fag, fags, nigger*, nigga*, kike*, spic, spics, tranny, trannies, kys, kill yourself,
            gook, gooks, wetback*, beaner*, raghead*, towelhead*, paki, pakis, ching chong, poofter*,
            shemale*
""",
        "fr": """
            bougnoul*, bicot*, negro, negros, youpin*, pede, pedes, gouine*, bamboula*, sale arabe*,
            sale noir*, sale juif*, crouille*, youtre*, chinetoque*, niakoue*, sale negre*, sale race,
            tarlouze*, tafiole*, fiotte*, tantouze*, pd, sale pedale*, sales pedales, espece de pedale*,
            bande de pedale*, grosse pedale*, tous des pedales, toutes des pedales, qu une pedale,
            c est une pedale, t es une pedale, une vraie pedale
""",
    },
    "dehumanising": {
        "en": """
            vermin, parasite*, plague, animals, cockroach*, rats, leech*, subhuman*, human garbage,
            human trash, scum, freaks, sick, mentally ill, disease, diseases, virus, infestation
""",
        "fr": """
            vermine, parasite*, sangsue*, animaux, cafard*, dechets, rats, nuee de rats, sous homme*,
            racaille*, malades mentaux, malade mental, une plaie, des porcs, maladie, virus, fleau, gangrene
""",
    },
    "derogatory": {
        "en": """
            lazy, dishonest, ruin*, control all, copy everything, too emotional, all the same,
            like the rest of them, have no business, has no business, steal, steals, stealing, thieves,
            belong in the kitchen, is for men, is a man s job, not for women, no place for women
""",
        "fr": """
            faineant*, volent, vole tout, comprennent rien, n ont rien a faire, n ont pas leur place,
            pourrissent, tous pareils, ca explique tout, tous des, voleurs, controlent tout,
            c est pour les hommes, un truc d hommes, pas pour les femmes, pas la place des femmes,
            restent a leur place, reste a sa place
""",
    },
    "threat": {
        "en": """
            watch your back, know your address, know where you live, make* you regret, teach you a lesson,
            turn up at your, burns down with you, burn down with you, going to find you, gonna find you,
            i will find you, i ll find you, you ll be sorry, you will be sorry, go fuck yourself,
            go f yourself, fuck you, fuck off, shut the fuck up, stfu, i hope you die, die in a fire,
            hang yourself, neck yourself, rape you, see what happens to your, i will hurt you, i ll hurt you,
            gonna hurt you, i will kill you, i ll kill you, gonna kill you, hope you get cancer,
            deserve to be beaten, should have aborted you, punch the author, waste of oxygen,
            see what happens to you, know who you are, know your face, know what you look like,
            know where you work, found your address, someone should break your, somebody should break your,
            we know where you park, i know where you park, we know where you sleep, i know where you sleep,
            we know which house is yours, i know which house is yours, we know what car you drive,
            i know what car you drive,
            someone should punch you, somebody should punch you, someone should slap you,
            someone should beat you, someone should hit you, deserve to be shot, deserves to be shot,
            runs you over, run you over, hope you get hit, nobody would miss you, no one would miss you,
            nobody will miss you, no one will miss you, and stop breathing, just stop breathing,
            better off dead, world would be better without you, go jump off a bridge, drink bleach,
            come find you, coming for you, come after you, hope we never meet, if i ever meet you,
            deserve to get hurt, deserves to get hurt, deserve to be hurt, deserves to be hurt,
            get what you deserve, break your jaw, break his jaw, break her jaw, break your face,
            smash your face, smash your teeth, knock your teeth out, punch your lights out, kick your head in,
            beat you up, beat the shit out of you,
            shut you up for good, shut you up permanently, silence you for good
""",
        "fr": """
            sait ou tu habites, sait ou vous habitez, tu vas le regretter, vous allez le regretter,
            va te faire encul*, va te faire enkul*, allez vous faire encul*, sait ou tu te gares,
            repartir* avec du plomb,
            fais attention en rentrant, te faire taire, passer a ton magasin, passer a ta boutique,
            tu le paieras, vous le paierez, cramer avec toi, te buter, va te faire foutre, va crever,
            crevez tous, creve charogne, nique ta mere, ntm, je vais te tuer, je vais te crever,
            je vais te violer, je sais ou tu habites, tu peux crever, creve en enfer, suicide toi, tue toi,
            pends toi, va te pendre, ta boutique va avoir des problemes, je vais te casser la gueule,
            on va te casser la gueule, te souhaite un cancer, merites de crever, aurait du avorter,
            ce qui va t arriver, ce qui va vous arriver, connait ta tete, connait ta gueule, sait qui tu es,
            sait ou tu vis, sait ou tu bosses, sait ou tu travailles, dans quelle rue tu, on va te retrouver,
            te casse les dents, te casser les dents, te peter la tronche, te casser la figure,
            te mettre une raclee,
            je vais te retrouver, on te retrouvera, devrait te casser, devrait te frapper, faudrait te casser,
            vais te casser, vont te casser, te peter les dents, te peter la gueule, te defoncer,
            te refaire le portrait, personne ne te regrett*, personne ne vous regrett*, et arrete de respirer,
            et arretez de respirer, te roul* dessus, vous roul* dessus, que tu creve*, que tu meure*,
            allez mourir, va donc mourir, viens te chercher, venir te chercher, vais te trouver,
            qu on ne se croise jamais, si je te croise, qu on leur fasse du mal, qu on te fasse du mal,
            meritent qu on, merites qu on, merite qu on, te prendre une balle, vous prendre une balle,
            te mettre une balle, vous mettre une balle
""",
    },
    "exclusion": {
        "en": """
            go back to where you came from, go back to your country, go back to your own country,
            should not be allowed, should never be allowed, do not belong, not welcome here, not your country,
            get out of our country, out of our country, shouldnt be allowed, dont belong, isnt welcome,
            pack your bags and go home, go home to your country, your kind is, your kind isnt, your kind are,
            your sort is, your sort isnt, we dont need your sort, wants your kind, want your kind,
            kitchen where you belong, back where you belong, know your place, nobody wants you here,
            no one wants you here, not wanted here
""",
        "fr": """
            rentrez chez vous, pas ton pays, pas votre pays, virer de ce pays, retourne d ou tu viens,
            retourne dans ton, retournez dans votre, retourne chez, retournent tous chez, retournent chez,
            ne devraient pas avoir le droit, degage de notre, ta race, ton espece, on veut pas de ta,
            on ne veut pas de ta, ta place est pas ici, ta place n est pas ici, rien a faire en france,
            retourne a tes casseroles, retourne a ta cuisine, retourne a la cuisine, retourne dans ta cuisine,
            reste a ta place, restez a votre place, personne ne veut de toi, on ne veut pas de toi,
            on veut pas de toi, pas le bienvenu, pas la bienvenue, pas les bienvenus, n as pas ta place,
            n avez pas votre place
""",
    },
    "person": {
        "en": """
            you, u, you re, youre, ya, yourself, the author, author, authors, author s, writer, this writer,
            whoever wrote, who wrote, the guy, this guy, guy, he, she, he s, she s, commenters, commenter,
            everyone, everybody, people, person, human, human being, man, woman, mate, madam, the people,
            those people, these people, this team, team, staff, blogger, bloggers, youtuber, influencer,
            journalist*
""",
        "fr": """
            tu, t, toi, te, vous, l auteur, l auteure, auteur, auteure, l autrice, autrice, celui qui,
            celle qui, ceux qui, tous ceux, qui a ecrit, ecrit par, le mec, ce mec, mec, commentateur*, gens,
            les gens, ces gens, madame, monsieur, cet auteur, equipe, cette equipe, club des, blogueur*,
            blogueuse*, youtubeur*, influenceur*, influenceuse*, redacteur*, redactrice*, journaliste*,
            genre de personne*
""",
    },
    "group": {
        "en": """
            women, woman, females, men, immigrant*, migrant*, refugee*, foreigner*, muslim*, jew, jews,
            jewish, christian*, black people, blacks, asian*, gay*, lesbian*, trans, homeless, poor people,
            the unemployed, arab, arabs, arabic people, gypsy, gypsies, people like you, people like them,
            indians, chinese, africans, mexicans, romanians, pakistanis, turks, fat people
""",
        "fr": """
            femmes, immigre*, migrant*, refugie*, etranger*, musulman*, juif*, juive*, arabe*, noirs, noires,
            asiatique*, roms, homo, homos, homosexuel*, lesbienne*, trans, sdf, chomeur*, pauvres, hommes,
            gens comme toi, gens comme vous, gens comme eux, les gens comme toi, les gens comme vous,
            les gens comme eux, des gens comme toi, des gens comme vous, indiens, chinois, africains,
            roumains, marocains, algeriens, turcs, gitans, maghrebins
""",
    },
    "idea": {
        "en": """
            article, articles, post, posts, blog, idea, ideas, advice, tip, tips, plan, plans, strategy,
            argument, arguments, graph, chart, table, tool, tools, design, layout, headline, title, survey,
            research, conclusion, data, pricing, hack, guide, take, section, part, method, methodology,
            policy, mantra, theory, suggestion, example, examples, writing, content, video, comparison,
            approach, claim, stats, study, piece, list, this stuff, amount, logic, reasoning, benchmark,
            know your shit, way, thing, things, mistake, mistakes, error, errors, typo, question, decision,
            choice, move, rule, rules, recipe, recipes, review, ranking, framework, app, product, book, film,
            movie, game, law, proposal, opinion, pros and cons, cat, cats, dog, dogs, kitten, puppy, horse,
            parrot
""",
        "fr": """
            article, articles, billet, blog, idee, idees, conseil, conseils, plan, strategie, argument,
            arguments, graphique, tableau, outil, outils, design, titre, sondage, enquete, conclusion,
            chiffres, tuto, tutoriel, guide, methode, politique, charte, passage, section, partie,
            raisonnement, concept, hack, truc, contenu, texte, exemple, exemples, theorie, approche, site,
            newsletter, plan com, mythe, liste, etude, video, regle, regles, recette, recettes, erreur,
            erreurs, faute, fautes, question, choix, decision, classement, comparatif, livre, film, jeu, loi,
            proposition, avis, chose, choses, facon, maniere, sujet, debat, analyse, projet, systeme, mesure,
            reforme, produit, appli, application, logiciel, code, menu, plat, sauce, pros et cons,
            pros et les cons, chat, chats, chien, chiens, chienne, chiot, chaton, cheval, perroquet
""",
    },
    "self": {
        "en": """
            i, i m, im, me, myself, we, us, my, our
""",
        "fr": """
            je, j, moi, me, m, chui, suis, nous, mon, ma, mes, notre, nos
""",
    },
    "vocative": {
        "en": """
            you, you re a, listen here you, nice try, nice post, keep dreaming, wake up, shut up, oh shut up,
            stop whining, you absolute, you utter, you total
""",
        "fr": """
            espece de, espece d, sale, sales, pauvre, bande de, bande d, eh l, eh le, he l, casse toi,
            ferme la, degage
""",
    },
    "report": {
        "en": """
            called me, calling me, call me, calls me, called him, called her, called us, calling people,
            was called, used the word, the word, told me, was told
""",
        "fr": """
            m a traite, m a traitee, traite de, traitee de, traites de, traiter de, le mot, m a ecrit,
            m a dit, j ai lu, a ete traite
""",
    },
    "mock": {
        "en": """
            genius, einstein, sherlock, professor, picasso, mozart, bozo
""",
        "fr": """
            genie, le genie, mon genie, einstein, sherlock, champion, le champion, professeur
""",
    },
    "advert": {
        "en": """
            visit my site, visit my, check out my, see my blog, my blog about, cheap, viagra, cialis, ciallis,
            casino, free spins, slots, crypto*, bitcoin, usdt, work from home, click here, seo services,
            backlinks, guest post*, do follow, dofollow, telegram, whatsapp, loan, no credit check, replica,
            per do follow, use my link, private pics, valuable information, come back for sure,
            investment opportunity, guaranteed, get 10k, followers in, likes fast, essay writing, diet pills,
            agency london, hello admin, bookmark this page, our company offers, buy cheap, buy followers,
            earn money, promo code, discount code, coupon code, use code, book now, order now, special offer,
            limited offer, free delivery, contact us, message us, email us, call us, whatsapp us, dm us,
            book direct, book directly, special rate, special price, exclusive discount, mention this blog,
            mention the blog, to the moon, before it moons, get in early, on google
""",
        "fr": """
            visitez mon site, decouvrir mon blog, mon blog sur, achetez, pas cher, pas chere, pas chers,
            prix casses, viagra, cialis, casino, bonus sans depot, machines a sous, crypto*, bitcoin, usdt,
            gagnez, gagne, travail a domicile, cliquez ici, referencement, backlinks, articles invites,
            articles sponsorises, dofollow, telegram, whatsapp, credit rapide, repliques, placement garanti,
            sans risque, voyance, photos privees, informations precieuses, je reviendrai, bonjour admin,
            garanti, tarifs sur, rdv sur, meilleur prix, inscription, agence seo, likes facebook,
            abonnes instagram, en 24 h, code promo, code de reduction, reservez au, reservez vite,
            offre speciale, offre limitee, livraison gratuite, livraison offerte, contactez nous,
            ecrivez nous, appelez nous, tarif special, prix special, remise exclusive, mentionnez le blog,
            sans frais de reservation, sur google
""",
    },
}


def seed_pairs():
    """(kind, language, entry) for each entry of the default lexicon."""
    for kind, languages in DEFAULT_ABUSE_LEXICON.items():
        for language, entries in languages.items():
            for entry in entries.split(","):
                if entry.strip():
                    yield kind, language, " ".join(entry.split())


def seeded_lexicon():
    """The default lexicon as the policy reads it (`abuse.Lexicon`): a new site's, before any edit."""
    return Lexicon.of((kind, entry) for kind, _language, entry in seed_pairs())
