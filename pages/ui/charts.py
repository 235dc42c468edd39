"""Plotly figures for the pages (no streamlit here): labels come in already translated."""
from __future__ import annotations

from typing import Any, Sequence

import pandas as pd
import plotly.graph_objects as go

PALETTE = ("#2E7D32", "#1565C0", "#EF6C00", "#6A1B9A", "#C62828", "#00838F", "#9E9D24", "#5D4037")


def lines(df: pd.DataFrame, x: str, ys: Sequence[str], names: Sequence[str], title: str,
          y_title: str = "", percent: bool = False, hlines: Sequence[tuple[float, str]] = ()) -> go.Figure:
    fig = go.Figure()
    for i, (col, name) in enumerate(zip(ys, names)):
        fig.add_trace(go.Scatter(x=df[x], y=df[col], mode="lines", name=name, line=dict(color=PALETTE[i % len(PALETTE)])))
    for value, label in hlines:
        fig.add_hline(y=value, line_dash="dash", line_color="#C62828", annotation_text=label)
    fig.update_layout(title=title, yaxis_title=y_title, hovermode="x unified", height=340)
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return fig


def bars(df: pd.DataFrame, x: str, ys: Sequence[str], names: Sequence[str], title: str, y_title: str = "",
         stacked: bool = False, horizontal: bool = False, percent: bool = False,
         hlines: Sequence[tuple[float, str]] = ()) -> go.Figure:
    fig = go.Figure()
    for i, (col, name) in enumerate(zip(ys, names)):
        color = PALETTE[i % len(PALETTE)]
        if horizontal:
            fig.add_trace(go.Bar(y=df[x], x=df[col], name=name, orientation="h", marker_color=color))
        else:
            fig.add_trace(go.Bar(x=df[x], y=df[col], name=name, marker_color=color))
    fig.update_layout(title=title, barmode="stack" if stacked else "group", height=340,
                      **({"xaxis_title": y_title} if horizontal else {"yaxis_title": y_title}))
    for value, label in hlines:
        fig.add_hline(y=value, line_dash="dash", line_color="#C62828", annotation_text=label)
    if percent:
        (fig.update_xaxes if horizontal else fig.update_yaxes)(tickformat=".0%")
    return fig


def histogram(values: Sequence[float], title: str, x_title: str, nbins: int = 30) -> go.Figure:
    fig = go.Figure(go.Histogram(x=list(values), nbinsx=nbins, marker_color=PALETTE[1]))
    fig.update_layout(title=title, xaxis_title=x_title, height=320, bargap=0.05)
    return fig


def sankey(labels: Sequence[str], sources: Sequence[int], targets: Sequence[int], values: Sequence[float],
           title: str, colors: Sequence[str] | None = None, hover: Sequence[str] | None = None) -> go.Figure:
    node: dict[str, Any] = dict(label=list(labels), pad=18, thickness=16)
    if colors:
        node["color"] = list(colors)
    link: dict[str, Any] = dict(source=list(sources), target=list(targets), value=list(values))
    if hover:
        link["customdata"] = list(hover)
        link["hovertemplate"] = "%{customdata}<extra></extra>"
    fig = go.Figure(go.Sankey(node=node, link=link))
    fig.update_layout(title=title, height=460)
    return fig


def timeline(df: pd.DataFrame, x: str, y: str, text: str, title: str) -> go.Figure:
    fig = go.Figure(go.Scatter(x=df[x], y=df[y], mode="markers+lines", text=df[text], hoverinfo="text+x",
                               marker=dict(size=10, color=PALETTE[0])))
    fig.update_layout(title=title, height=300, showlegend=False)
    return fig
