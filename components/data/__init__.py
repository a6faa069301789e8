"""DynamoDB tables with tier defaults."""

from components.data.data_table import AttributeType, DataTable, DataTableArgs, KeyAttribute

__all__ = ["AttributeType", "DataTable", "DataTableArgs", "KeyAttribute"]
