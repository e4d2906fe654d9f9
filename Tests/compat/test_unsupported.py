"""Features Slipway does not offer must fail clearly (404/501), never with fake data."""

from compat_helpers import sdk_error, uid

UNSUPPORTED = (404, 501)


def test_pipeline_templates_are_not_offered(sdk):
    with sdk_error(status=UNSUPPORTED) as info:
        sdk.list_pipeline_templates()
    assert info.value.message
    with sdk_error(status=UNSUPPORTED) as info:
        sdk.get_pipeline_template(f"template-{uid()}")
    assert info.value.message


def test_pipeline_creation_from_a_template_is_refused(sdk):
    with sdk_error(status=range(400, 502)) as info:
        sdk.create_pipeline(f"compat-tpl-{uid()}", pipeline_template_name="mistral-7b")
    assert info.value.message


def test_vector_database_is_not_offered(sdk):
    with sdk_error(status=UNSUPPORTED) as info:
        sdk.get_vector_database_credentials()
    assert info.value.message
