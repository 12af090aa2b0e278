"""The book's model class: b and w as an nn.Module's parameters (shown verbatim in the source pane)."""

import torch
from torch import nn


class ManualLinearRegression(nn.Module):
    def __init__(self, dtype=torch.float):
        super().__init__()
        # To make "b" and "w" real parameters of the model,
        # we need to wrap them with nn.Parameter
        self.b = nn.Parameter(torch.randn(1, requires_grad=True, dtype=dtype))
        self.w = nn.Parameter(torch.randn(1, requires_grad=True, dtype=dtype))

    def forward(self, x):
        # Computes the outputs / predictions
        return self.b + self.w * x
