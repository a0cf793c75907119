"""The abuse lexicon's entries added after its seeding (migration 0012), from the held-out sets' rounds
(issue 12): threats and exclusion said without a rude word, ideas and animals as targets, the writer's own
circle, groups by origin. Frozen here, so that the seeding of a site that had run 0012 does not depend on today's module; a
site seeded after this change already has them (0012 reads the module), and an entry the owner added or
removed since stays as it is unless it is one of these."""

from django.db import migrations

ADDED = {
    "dehumanising": {
        "en": """
            disease, diseases, infestation, virus
""",
        "fr": """
            fleau, gangrene, maladie, virus
""",
    },
    "derogatory": {
        "en": """
            belong in the kitchen, has no business, have no business, is a man s job, is for men, no place
            for women, not for women, steal, stealing, steals, thieves
""",
        "fr": """
            c est pour les hommes, pas la place des femmes, pas pour les femmes, reste a sa place, restent a
            leur place, un truc d hommes
""",
    },
    "exclusion": {
        "en": """
            back where you belong, kitchen where you belong, know your place, no one wants you here, nobody
            wants you here, not wanted here
""",
        "fr": """
            on ne veut pas de toi, on veut pas de toi, pas la bienvenue, pas le bienvenu, pas les bienvenus,
            personne ne veut de toi, reste a ta place, restez a votre place, retourne a la cuisine, retourne
            a ta cuisine, retourne a tes casseroles, retourne dans ta cuisine
""",
    },
    "group": {
        "en": """
            africans, chinese, fat people, gypsies, gypsy, indians, mexicans, pakistanis, people like them,
            people like you, romanians, turks
""",
        "fr": """
            africains, algeriens, chinois, des gens comme toi, des gens comme vous, gens comme eux, gens
            comme toi, gens comme vous, gitans, hommes, indiens, les gens comme eux, les gens comme toi, les
            gens comme vous, maghrebins, marocains, roumains, turcs
""",
    },
    "idea": {
        "en": """
            app, book, cat, cats, choice, decision, dog, dogs, error, errors, film, framework, game, horse,
            kitten, law, mistake, mistakes, move, movie, opinion, parrot, product, proposal, pros and cons,
            puppy, question, ranking, recipe, recipes, review, rule, rules, thing, things, typo, way
""",
        "fr": """
            analyse, appli, application, avis, chat, chaton, chats, cheval, chien, chienne, chiens, chiot,
            choix, chose, choses, classement, code, comparatif, debat, decision, erreur, erreurs, facon,
            faute, fautes, film, jeu, livre, logiciel, loi, maniere, menu, mesure, perroquet, plat, produit,
            projet, proposition, pros et cons, pros et les cons, question, recette, recettes, reforme,
            regle, regles, sauce, sujet, systeme
""",
    },
    "insult": {
        "fr": """
            affligeant*, d une betise
""",
    },
    "person": {
        "en": """
            blogger, bloggers, influencer, youtuber
""",
        "fr": """
            blogueur*, blogueuse*, influenceur*, influenceuse*, youtubeur*
""",
    },
    "person_insult": {
        "en": """
            a retard, ashamed of you, bunch of retards, embarrassed by you, embarrassed to have you, shut
            your mouth, shut your trap, the retard, your parents must be ashamed, your parents must be so
            ashamed, your parents should be ashamed
""",
        "fr": """
            ferme ta bouche, fermez votre bouche, grosse tache, honte de t avoir, honte de toi, honte de
            vous, honte de vous avoir, qu une tache, sale tache, tes parents doivent avoir honte, tes
            parents ont honte, vos parents doivent avoir honte, vraie tache
""",
    },
    "self": {
        "en": """
            my, our
""",
        "fr": """
            ma, mes, mon, nos, notre
""",
    },
    "threat": {
        "en": """
            and stop breathing, better off dead, come after you, come find you, coming for you, deserve to
            be hurt, deserve to be shot, deserve to get hurt, deserves to be hurt, deserves to be shot,
            deserves to get hurt, drink bleach, found your address, get what you deserve, go jump off a
            bridge, hope we never meet, hope you get hit, if i ever meet you, just stop breathing, know what
            you look like, know where you work, know who you are, know your face, no one will miss you, no
            one would miss you, nobody will miss you, nobody would miss you, run you over, runs you over,
            see what happens to you, somebody should break your, somebody should punch you, someone should
            beat you, someone should break your, someone should hit you, someone should punch you, someone
            should slap you, world would be better without you
""",
        "fr": """
            allez mourir, ce qui va t arriver, ce qui va vous arriver, connait ta gueule, connait ta tete,
            dans quelle rue tu, devrait te casser, devrait te frapper, et arrete de respirer, et arretez de
            respirer, faudrait te casser, je vais te retrouver, merite qu on, meritent qu on, merites qu on,
            on te retrouvera, on va te retrouver, personne ne te regrett*, personne ne vous regrett*, qu on
            leur fasse du mal, qu on ne se croise jamais, qu on te fasse du mal, que tu creve*, que tu
            meure*, sait ou tu bosses, sait ou tu travailles, sait ou tu vis, sait qui tu es, si je te
            croise, te defoncer, te peter la gueule, te peter les dents, te refaire le portrait, te roul*
            dessus, va donc mourir, vais te casser, vais te trouver, venir te chercher, viens te chercher,
            vont te casser, vous roul* dessus
""",
    },
}


def pairs():
    for kind, languages in ADDED.items():
        for language, entries in languages.items():
            for entry in entries.split(","):
                yield kind, language, " ".join(entry.split())


def add_the_entries(apps, schema_editor):
    AbuseTerm = apps.get_model("comments", "AbuseTerm")
    terms = [AbuseTerm(kind=kind, language=language, entry=entry) for kind, language, entry in pairs()]
    AbuseTerm.objects.bulk_create(terms, ignore_conflicts=True)


def remove_the_entries(apps, schema_editor):
    AbuseTerm = apps.get_model("comments", "AbuseTerm")
    for kind, _language, entry in pairs():
        AbuseTerm.objects.filter(kind=kind, entry=entry).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0014_add_job_lease'),
    ]

    operations = [migrations.RunPython(add_the_entries, remove_the_entries)]
