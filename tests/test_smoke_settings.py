from django.conf import settings


def test_settings_load_with_test_secret():
    assert settings.SECRET_KEY == "test-only-secret-key"
