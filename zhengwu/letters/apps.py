from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "zhengwu.letters"
    label = "letters"
    verbose_name = "信件与信访"
