"""Autograd's graph behind a tensor, read from grad_fn and next_functions, drawn as text.

What torchviz's make_dot draws as boxes, as an indented tree from the output down
to the leaves: each node is named as torch names it (MseLossBackward0, AddBackward0,
AccumulateGrad, ...), with the forward values it saved for the backward pass, and the
leaves with their value and, once backward() has run, the gradient that reached them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import torch

# The saved-value attributes of each node type, found once (dir() is slow).
_SAVED: dict[type, tuple[str, ...]] = {}


@dataclass(frozen=True)
class Node:
    """One grad_fn node, as read while its saved values are still there (before backward())."""

    name: str  # grad_fn.name(): MseLossBackward0, AddBackward0, ..., AccumulateGrad
    depth: int
    variable: str | None = None  # an AccumulateGrad's leaf tensor, by its name
    value: str = ""  # the leaf's value, or the values the node saved for backward
    grad: str | None = None  # the gradient that reached the leaf (after backward())
    repeat: bool = False  # reached before by another path (the graph is a DAG, drawn as a tree)


@dataclass(frozen=True)
class Graph:
    """The nodes behind an output tensor, depth first, and the output's value."""

    output: str  # the name of the tensor the graph is behind (loss, yhat)
    output_value: str
    nodes: tuple[Node, ...]

    def with_grads(self, tensors: Mapping[str, torch.Tensor]) -> Graph:
        """The same graph with each leaf's .grad as it is now."""
        nodes = []
        for node in self.nodes:
            if node.variable is not None and node.variable in tensors:
                grad = tensors[node.variable].grad
                node = replace(node, grad=None if grad is None else summary(grad))
            nodes.append(node)
        return replace(self, nodes=tuple(nodes))

    def names(self) -> list[str]:
        """The node names, depth first from the output."""
        return [node.name for node in self.nodes]

    def lines(self) -> list[str]:
        """The graph as text: one node a line, indented by depth."""
        result = [f"{self.output} = {self.output_value}"]
        for node in self.nodes:
            label = node.name if node.variable is None else f"{node.name} ({node.variable})"
            line = " " * node.depth + "└ " + label
            if node.repeat:
                result.append(line + "  (shown above)")
                continue
            if node.value:
                line += f"  {node.value}"
            result.append(line)
            if node.grad is not None:
                result.append(" " * node.depth + f"  {node.variable}.grad = {node.grad}")
        return result


def summary(tensor: Any) -> str:
    """A short text for a value: a number in full, a tensor by its one value or its shape."""
    if not isinstance(tensor, torch.Tensor):
        return repr(tensor)
    values = tensor.detach().reshape(-1)
    if values.numel() == 1:
        return f"{float(values[0]):.8g}"
    shape = "(" + ", ".join(str(size) for size in tensor.shape) + ")"
    return f"{shape} [{float(values[0]):.4g}, {float(values[1]):.4g}, …]"


def _saved(node: Any, tensors: Mapping[str, torch.Tensor]) -> str:
    kind = type(node)
    attributes = _SAVED.get(kind)
    if attributes is None:
        # Sizes and strides are bookkeeping for symbolic shapes, not values a learner computed.
        attributes = _SAVED[kind] = tuple(
            name for name in dir(node) if name.startswith("_saved_") and "_sym_" not in name
        )
    parts = []
    for attribute in attributes:
        try:
            value = getattr(node, attribute)
        except RuntimeError:  # freed by backward()
            parts.append(f"{attribute[7:]}: freed")
            continue
        if value is None:
            continue  # a value torch did not need to keep
        name = _name_of(value, tensors)
        parts.append(f"{attribute[7:]}={name if name is not None else summary(value)}")
    return " ".join(parts)


def _name_of(value: Any, tensors: Mapping[str, torch.Tensor]) -> str | None:
    """The name of a known tensor that a saved value is (or is a view of the same memory as)."""
    if not isinstance(value, torch.Tensor):
        return None
    for name, tensor in tensors.items():
        if value is tensor or (
            value.shape == tensor.shape and value.numel() > 0 and value.data_ptr() == tensor.data_ptr()
        ):
            return f"{name}={summary(tensor)}" if tensor.numel() == 1 else name
    return None


def _kind(function: Any) -> str:
    """The node's name as make_dot labels it: its class (name() adds a C++ namespace to AccumulateGrad)."""
    return type(function).__name__


def read(output: torch.Tensor, tensors: Mapping[str, torch.Tensor], output_name: str = "loss") -> Graph:
    """Walk output.grad_fn and its next_functions (depth first); `tensors` names the known tensors."""
    nodes: list[Node] = []
    seen: set[int] = set()

    def visit(function: Any, depth: int) -> None:
        if function is None:
            return  # an input that needs no gradient (the data, or a tensor without requires_grad)
        variable = getattr(function, "variable", None)
        name = None if variable is None else next((k for k, tensor in tensors.items() if tensor is variable), "?")
        if id(function) in seen:
            nodes.append(Node(_kind(function), depth, name, repeat=True))
            return
        seen.add(id(function))
        if variable is not None:
            nodes.append(Node(_kind(function), depth, name, summary(variable)))
            return
        nodes.append(Node(_kind(function), depth, value=_saved(function, tensors)))
        for child, _ in function.next_functions:
            visit(child, depth + 1)

    visit(output.grad_fn, 0)
    return Graph(output_name, summary(output), tuple(nodes))
