"""Frontier cli."""
