// The OData v4 service at /odata/v4/catalog/.  Books (and ItemsPaged)
// answer pages of at most three (five) rows (@cds.query.limit), so that
// the tests see server-driven paging (@odata.nextLink) and $top values
// above the maximum.
using rest_fdw.test as t from '../db/schema';

service CatalogService @(path: '/odata/v4/catalog') {
  entity Authors as projection on t.Authors;
  @cds.query.limit: { default: 3, max: 3 }
  entity Books as projection on t.Books;
  entity AllBooks as projection on t.Books;
  entity Genres as projection on t.Genres;
  entity Notes as projection on t.Notes;
  entity Items as projection on t.Items;
  @cds.query.limit: { default: 5, max: 5 }
  entity ItemsPaged as projection on t.Items;
}
