"""The map's cluster colours and layout: colours that stay apart for colour-blind readers and stand out on the
white canvas, and clusters that the projection draws apart rather than as one blob."""

import itertools

import numpy as np

from recommender.clusters import fitting
from recommender.clusters.labels import PALETTE

# Machado, Oliveira & Fernandes (2009), severity 1: linear-RGB matrices simulating the three dichromacies.
SIMULATIONS = {
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def linear(hex_colour):
    channels = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)


def lab(linear_rgb):
    linear_rgb = np.clip(linear_rgb, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear_rgb
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def views(hex_colour):
    rgb = linear(hex_colour)
    return [lab(rgb)] + [lab(np.array(matrix) @ rgb) for matrix in SIMULATIONS.values()]


def contrast_on_white(hex_colour):
    luminance = float(np.dot([0.2126, 0.7152, 0.0722], linear(hex_colour)))
    return 1.05 / (luminance + 0.05)


def test_twelve_cluster_colours_each_stand_out_on_the_white_map():
    assert len(set(PALETTE)) >= 12
    assert min(contrast_on_white(colour) for colour in PALETTE) >= 3.0  # WCAG 1.4.11, graphical objects


def test_the_first_eight_colours_stay_apart_in_normal_and_colour_blind_vision():
    def distance(a, b):
        return min(float(np.linalg.norm(x - y)) for x, y in zip(views(a), views(b), strict=True))

    assert min(distance(a, b) for a, b in itertools.combinations(PALETTE[:8], 2)) >= 14
    assert min(distance(a, b) for a, b in itertools.combinations(PALETTE[:12], 2)) >= 12
    # The old palette's two oranges (#d35400, #f39c12-like) were ~10 apart in normal vision alone.


def test_the_map_draws_clusters_apart_where_the_principal_components_overlap_them():
    rng = np.random.default_rng(3)
    # Eight clusters that differ only along directions of little overall variance: the catalog's shape.
    centres = np.zeros((8, 10))
    centres[:, 6:] = rng.normal(0, 1.0, (8, 4))
    labels = np.repeat(np.arange(8), 200)
    points = centres[labels] + rng.normal(0, 0.3, (1600, 10)) * np.array([10, 10, 8, 8, 6, 6, 1, 1, 1, 1])
    space = fitting.Space(points, points.astype(np.float32), np.arange(0, 1600, 2), 0.0)

    def separation(coordinates):
        """Between-cluster over within-cluster spread of the 2-D points (higher: clusters drawn apart)."""
        means = np.array([coordinates[labels == k].mean(axis=0) for k in range(8)])
        within = np.mean([coordinates[labels == k].var(axis=0).sum() for k in range(8)])
        return means.var(axis=0).sum() / within

    assert separation(fitting.map_projection(space, labels)) > 5 * separation(points[:, :2])
    few = np.where(labels < 2, labels, fitting.NOISE)
    assert np.array_equal(fitting.map_projection(space, few), space.reduced[:, :2])  # too few clusters for LDA
