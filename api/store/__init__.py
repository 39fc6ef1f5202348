"""The store: every read and write of the service's data, in short transactions.

Routes call these functions and never write SQL. Plan visibility (owner agency, grants, the
exercise namespace) is decided here, in one place, so no route can forget it.
"""
