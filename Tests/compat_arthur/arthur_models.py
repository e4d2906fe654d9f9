"""The credit-risk model the SDK tests create: two numeric inputs, a categorical non-input, a
regression prediction and its ground truth."""

import uuid

from arthurai import ArthurAI
from arthurai.common.constants import InputType, OutputType, Stage, ValueType


def new_model(connection: ArthurAI, *, is_batch: bool = False):
    model = connection.model(partner_model_id=f"credit-{uuid.uuid4().hex[:8]}", display_name="Credit risk",
                             input_type=InputType.Tabular, output_type=OutputType.Regression, is_batch=is_batch)
    model.add_attribute(name="age", value_type=ValueType.Integer, stage=Stage.ModelPipelineInput, position=0)
    model.add_attribute(name="income", value_type=ValueType.Float, stage=Stage.ModelPipelineInput, position=1)
    model.add_attribute(name="region", value_type=ValueType.String, stage=Stage.NonInputData, categorical=True,
                        categories=["north", "south"])
    model.add_regression_output_attributes({"risk": "defaulted"}, value_type=ValueType.Float)
    model.save()
    return model
